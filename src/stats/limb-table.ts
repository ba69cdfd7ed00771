// Fast exact sums for resampling. Each value is stored as an exact integer (value · 2^-scale) cut
// into signed 24-bit limbs held in doubles; adding limbs column by column stays exact for up to 2^29
// terms, so a resample's exact sum costs a few float additions per draw and one bigint rebuild.
import { type Dyadic, powerOfTwo, roundRational, toDyadic } from './exact-float.js';

const LIMB_BITS = 24;
const LIMB_BASE = 2 ** LIMB_BITS;
const MAX_TERMS = 2 ** 29;

export class LimbTable {
  private constructor(
    /** Limbs of value i are at [i·width, (i+1)·width), least significant first. */
    private readonly limbs: Float64Array,
    /** Limbs per value. */
    readonly width: number,
    /** Every value equals its integer times 2^scale. */
    readonly scale: number,
    readonly size: number,
  ) {
    this.scratch = new Float64Array(width + 2);
  }

  /** Base-2^24 digits of a total's magnitude, least significant first (`divide`'s work space). */
  private readonly scratch: Float64Array;

  /** A table of the values themselves. */
  static fromValues(xs: readonly number[]): LimbTable {
    return LimbTable.fromRows(
      xs.map((x) => [toDyadic(x)]),
      ([x]) => x,
    );
  }

  /** A table of the exact differences a[i] − b[i] (no rounding of the subtraction). */
  static fromDifferences(a: readonly number[], b: readonly number[]): LimbTable {
    if (a.length !== b.length) throw new RangeError('paired arrays must have the same length');
    return LimbTable.fromRows(
      a.map((x, i) => [toDyadic(x), toDyadic(b[i])]),
      ([x, y]) => x - y,
    );
  }

  /** Scales every dyadic of every row to one common exponent, then combines each row's integers. */
  private static fromRows(rows: Dyadic[][], combine: (scaled: bigint[]) => bigint): LimbTable {
    if (rows.length > MAX_TERMS) throw new RangeError(`at most ${MAX_TERMS} values are supported`);
    let scale = Number.POSITIVE_INFINITY;
    for (const row of rows)
      for (const p of row) if (p.mantissa !== 0n && p.exponent < scale) scale = p.exponent;
    if (scale === Number.POSITIVE_INFINITY) scale = 0;
    const ints = rows.map((row) =>
      combine(row.map((p) => (p.mantissa === 0n ? 0n : p.mantissa << BigInt(p.exponent - scale)))),
    );
    let maxBits = 1;
    for (const k of ints) maxBits = Math.max(maxBits, (k < 0n ? -k : k).toString(2).length);
    const width = Math.ceil(maxBits / LIMB_BITS);
    const limbs = new Float64Array(ints.length * width);
    const mask = BigInt(LIMB_BASE - 1);
    ints.forEach((k, i) => {
      const sign = k < 0n ? -1 : 1;
      let rest = k < 0n ? -k : k;
      for (let j = 0; j < width; j++) {
        limbs[i * width + j] = sign * Number(rest & mask);
        rest >>= BigInt(LIMB_BITS);
      }
    });
    return new LimbTable(limbs, width, scale, ints.length);
  }

  /** A zeroed accumulator for `add` and `sumInto`. */
  accumulator(): Float64Array {
    return new Float64Array(this.width);
  }

  /** acc += value[index] (exact). */
  add(acc: Float64Array, index: number): void {
    const base = index * this.width;
    for (let j = 0; j < this.width; j++) acc[j] += this.limbs[base + j];
  }

  /** acc = Σ value[indices[start + i]] for i < count (exact), one limb column at a time. */
  sumInto(acc: Float64Array, indices: Int32Array, count: number, start = 0): void {
    const { limbs, width } = this;
    const end = start + count;
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (let i = start; i < end; i++) sum += limbs[indices[i] * width + j];
      acc[j] = sum;
    }
  }

  /**
   * `roundRational(total(acc), count, scale)`: the sum divided by `count`, rounded once. When the
   * sum's integer fits in 53 bits (counts, token totals, most small decimals) it is exact as a double
   * and IEEE division rounds it correctly; otherwise a long division in doubles (`divide`), and only
   * outside the range that one covers, bigints.
   */
  mean(acc: Float64Array, count: number): number {
    let total = 0;
    let bound = 0;
    let weight = 1;
    for (let j = 0; j < this.width; j++) {
      total += acc[j] * weight;
      bound += Math.abs(acc[j]) * weight;
      weight *= LIMB_BASE;
    }
    // bound < 2^53 (as computed) means every partial sum above was an exactly represented integer.
    if (count > 0 && bound < 2 ** 53 && this.scale >= -1022 && this.scale <= 1023) {
      if (total === 0) return 0;
      const value = (total / count) * powerOfTwo(this.scale);
      // Scaling by 2^scale is exact unless the result leaves the normal range.
      if (Number.isFinite(value) && Math.abs(value) >= 2 ** -1022) return value;
    }
    return this.divide(acc, count) ?? roundRational(this.total(acc), BigInt(count), this.scale);
  }

  /**
   * The exact mean by schoolbook division of the sum's base-2^24 digits by `count`, every partial
   * remainder an exact integer below 2^48. Four quotient digits from the first non-zero one hold at
   * least 73 bits; a sticky bit for whatever the division left stands in for the rest, so the one
   * rounding of `hi + lo` is the correct rounding of the whole quotient. Null when `count` exceeds
   * 2^24, a column reaches 2^52 or the result is not a normal double (the bigint route handles those).
   */
  private divide(acc: Float64Array, count: number): number | null {
    if (count < 1 || count > LIMB_BASE || !Number.isInteger(count)) return null;
    const digits = this.scratch;
    const width = this.width;
    // Carry acc (signed integer columns) into digits in [0, 2^24); a negative final carry means a
    // negative total, done again on the negated columns. Exact while |column| < 2^52.
    let sign = 1;
    for (let pass = 0; pass < 2; pass++) {
      let carry = 0;
      for (let j = 0; j < width; j++) {
        const v = sign * acc[j] + carry;
        if (!(Math.abs(v) < 2 ** 52)) return null;
        const high = Math.floor(v / LIMB_BASE);
        digits[j] = v - high * LIMB_BASE;
        carry = high;
      }
      if (carry >= 0) {
        // carry < 2^29: at most two more digits.
        digits[width] = carry % LIMB_BASE;
        digits[width + 1] = Math.floor(carry / LIMB_BASE);
        break;
      }
      sign = -1;
    }
    let top = width + 1;
    while (top >= 0 && digits[top] === 0) top--;
    if (top < 0) return 0;
    // Quotient digits at positions top, top-1, …, continuing below 0 on zero digits.
    const quotient = [0, 0, 0, 0];
    let found = 0;
    let remainder = 0;
    let position = top;
    for (; found < 4; position--) {
      const x = remainder * LIMB_BASE + (position >= 0 ? digits[position] : 0);
      // x < 2^48 and count <= 2^24: the rounded division is never a whole number above the
      // true quotient, so its floor is the integer quotient.
      const q = Math.floor(x / count);
      remainder = x - q * count;
      if (found > 0 || q !== 0) quotient[found++] = q;
    }
    // position + 1 is the place of the last quotient digit; anything below it makes the sticky bit.
    let sticky = remainder !== 0;
    for (let j = position; j >= 0 && !sticky; j--) sticky = digits[j] !== 0;
    const hi = (quotient[0] * LIMB_BASE + quotient[1]) * LIMB_BASE * LIMB_BASE;
    let lo = quotient[2] * LIMB_BASE + quotient[3];
    if (sticky && lo % 2 === 0) lo += 1;
    const exponent = this.scale + LIMB_BITS * (position + 1);
    if (exponent < -1074 || exponent > 1023) return null;
    const value = (hi + lo) * powerOfTwo(exponent);
    if (!Number.isFinite(value) || value < 2 ** -1022) return null;
    return sign * value;
  }

  /** The exact integer held by an accumulator (the sum is that integer times 2^scale). */
  total(acc: Float64Array): bigint {
    let total = 0n;
    for (let j = this.width - 1; j >= 0; j--) total = (total << BigInt(LIMB_BITS)) + BigInt(acc[j]);
    return total;
  }
}
