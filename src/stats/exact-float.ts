// Exact arithmetic on doubles. Every finite double is a dyadic rational m·2^e, so sums of doubles are
// exact integers once scaled by a common power of two, and a ratio of such sums can be rounded to the
// nearest double exactly once — which is what Python's `statistics.mean` does through `Fraction`.

const view = new DataView(new ArrayBuffer(8));

/** A finite double written as `mantissa · 2^exponent` with an integer (signed) mantissa. */
export interface Dyadic {
  mantissa: bigint;
  exponent: number;
}

/** Splits a finite double into an integer mantissa and a binary exponent (0 gives 0·2^0). */
export function toDyadic(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new RangeError(`expected a finite number, got ${x}`);
  if (x === 0) return { mantissa: 0n, exponent: 0 };
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  const fractionHigh = hi & 0xfffff;
  let mantissa = (BigInt(fractionHigh) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074; // subnormal: no implicit leading bit
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  // Strip trailing zero bits so that exponents are as large as possible (smaller scaled integers).
  while ((mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exponent += 1;
  }
  return { mantissa: negative ? -mantissa : mantissa, exponent };
}

/** Number of bits of a non-negative bigint (0 for 0). */
export function bigBitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(Number.parseInt(hex[0], 16)));
}

/**
 * The double nearest to `num / den · 2^scale` (round half to even, subnormals handled), i.e. the
 * correctly rounded value of that rational. `den` must be non-zero.
 */
export function roundRational(num: bigint, den: bigint, scale = 0): number {
  if (den === 0n) throw new RangeError('division by zero');
  if (num === 0n) return 0;
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  // Shift so that the integer quotient q carries at least 56 significant bits.
  const shift = bigBitLength(d) - bigBitLength(n) + 56;
  const shiftedNum = shift >= 0 ? n << BigInt(shift) : n;
  const shiftedDen = shift >= 0 ? d : d << BigInt(-shift);
  const q = shiftedNum / shiftedDen;
  const inexact = shiftedNum % shiftedDen !== 0n;
  // value = (q + fraction) · 2^(scale - shift)
  const qExponent = scale - shift;
  const top = bigBitLength(q) - 1 + qExponent; // floor(log2(value))
  const ulpExponent = Math.max(top - 52, -1074);
  const drop = ulpExponent - qExponent; // >= 3
  let mantissa = q >> BigInt(drop);
  const rest = q & ((1n << BigInt(drop)) - 1n);
  const half = 1n << BigInt(drop - 1);
  if (rest > half || (rest === half && (inexact || (mantissa & 1n) === 1n))) mantissa += 1n;
  // mantissa <= 2^53 and ulpExponent >= -1074, so this product is exact (or overflows to Infinity).
  const magnitude = Number(mantissa) * powerOfTwo(Math.min(ulpExponent, 1024));
  return negative ? -magnitude : magnitude;
}

/** 2^e as a double, built from its bits (exact for -1074 <= e <= 1023; Infinity above, 0 below). */
export function powerOfTwo(e: number): number {
  if (e > 1023) return Number.POSITIVE_INFINITY;
  if (e < -1074) return 0;
  if (e >= -1022) {
    view.setUint32(0, (e + 1023) << 20);
    view.setUint32(4, 0);
  } else {
    const bit = e + 1074; // position of the single set bit of a subnormal
    view.setUint32(0, bit >= 32 ? 1 << (bit - 32) : 0);
    view.setUint32(4, bit >= 32 ? 0 : 2 ** bit);
  }
  return view.getFloat64(0);
}

/** The exact sum of doubles as `total · 2^scale`. */
export function exactSum(xs: readonly number[]): { total: bigint; scale: number } {
  if (xs.length === 0) return { total: 0n, scale: 0 };
  const parts = xs.map(toDyadic);
  let scale = Number.POSITIVE_INFINITY;
  for (const p of parts) if (p.mantissa !== 0n && p.exponent < scale) scale = p.exponent;
  if (scale === Number.POSITIVE_INFINITY) return { total: 0n, scale: 0 };
  let total = 0n;
  for (const p of parts) total += p.mantissa << BigInt(p.exponent - scale);
  return { total, scale };
}

/**
 * Python's `statistics.mean` for floats: the exact mean of the values, rounded once to a double.
 * Throws on an empty list, as Python does.
 */
export function exactMean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('mean requires at least one data point');
  const { total, scale } = exactSum(xs);
  return roundRational(total, BigInt(xs.length), scale);
}
