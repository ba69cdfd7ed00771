// Number formatting exactly as Python's format specs print it (the LaTeX table must match
// main_table.py): correctly rounded, ties to even on the exact binary value of the double.

/** Exact value of a finite double as `mantissa × 2^exponent` (mantissa a non-negative bigint). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** Python `f"{x:.{digits}f}"`. */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(x);
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) q = (mantissa << BigInt(exponent)) * scale;
  else {
    const num = mantissa * scale;
    const den = 1n << BigInt(-exponent);
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  let text = q.toString();
  if (digits > 0) {
    text = text.padStart(digits + 1, '0');
    text = `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }
  return negative ? `-${text}` : text;
}

/** Python `int(round(x))` (ties to even). */
export function roundHalfEven(x: number): number {
  return Number(formatFixed(x, 0));
}

/** Python `f"{n:,}"` for an integer. */
export function withThousands(n: number): string {
  const negative = n < 0;
  const digits = Math.abs(n).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return negative ? `-${grouped}` : grouped;
}
