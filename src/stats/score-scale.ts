// Score scaling of the reference table script: 'auto' turns values ≤ 1.5 (fractions) into percent
// one by one, 'fraction' multiplies every value by 100, 'percent' and 'none' leave values as they are.

export type ScoreScale = 'none' | 'auto' | 'fraction' | 'percent';

export const scoreScales: readonly ScoreScale[] = ['none', 'auto', 'fraction', 'percent'];

export function scaleScores(xs: readonly number[], scale: ScoreScale): number[] {
  switch (scale) {
    case 'auto':
      return xs.map((x) => (x <= 1.5 ? x * 100 : x));
    case 'fraction':
      return xs.map((x) => x * 100);
    default:
      return [...xs];
  }
}
