// Python's round(): half-to-even on the exact binary value of the double. JavaScript's Math.round
// and toFixed round ties differently (and toFixed works on a decimal approximation).

/** `round(x)` → the nearest integer, ties to even. */
export function pyRound(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x} to an integer`);
  const floor = Math.floor(x);
  const diff = x - floor; // exact for every double
  const rounded = diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  return rounded === 0 ? 0 : rounded; // a Python int has no negative zero
}

/** Decomposes a finite double into an exact BigInt mantissa and a power of two: x = m · 2^e. */
function exactBinary(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) mantissa |= 1n << 52n;
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  return { mantissa, exponent };
}

/** q = round-half-even(num / den) for positive BigInts. */
function divideHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twice = (num - q * den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) return q + 1n;
  return q;
}

/** `round(x, ndigits)`: rounds the exact value of x to ndigits decimals, ties to even. */
export function pyRoundTo(x: number, ndigits: number): number {
  if (!Number.isInteger(ndigits)) throw new TypeError('ndigits must be an integer');
  if (!Number.isFinite(x) || x === 0) return x;
  if (ndigits > 323) return x;
  if (ndigits < -308) return Object.is(Math.sign(x), -1) ? -0 : 0;
  const negative = x < 0;
  const { mantissa, exponent } = exactBinary(Math.abs(x));
  let num = mantissa;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  const scale = 10n ** BigInt(Math.abs(ndigits));
  if (ndigits >= 0) num *= scale;
  else den *= scale;
  const q = divideHalfEven(num, den);
  const text = ndigits >= 0 ? `${q}e-${ndigits}` : `${q}e${-ndigits}`;
  const result = Number(text); // correctly rounded decimal → double, as CPython's strtod
  return negative ? -result : result;
}
