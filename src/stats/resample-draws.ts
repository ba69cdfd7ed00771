// The indices a bootstrap draws: `resamples` rows of n `randrange(n)` calls from CPython's
// generator seeded with `seed`. They depend on (n, resamples, seed) only, not on the data, and
// drawing them is most of a bootstrap's time, so every metric of a comparison (same n, same seed)
// shares one set instead of drawing it again.
import { PyRandom } from '../python/random.js';

/** Draw tables kept at most (each resamples × n 32-bit indices; 5,000 × 100 is 2 MB). */
const KEEP = 4;
/** Tables larger than this many indices are drawn each time, not kept. */
const MAX_KEPT_INDICES = 8_000_000;

const kept = new Map<string, Int32Array>();

/** Row r (draws[r·n … r·n + n)) holds resample r's indices, in draw order. Do not modify. */
export function resampleDraws(n: number, resamples: number, seed: number): Int32Array {
  const key = `${n}:${resamples}:${seed}`;
  const found = kept.get(key);
  if (found) {
    // Most recently used last, so the oldest goes first.
    kept.delete(key);
    kept.set(key, found);
    return found;
  }
  const draws = new Int32Array(n * resamples);
  new PyRandom(seed).fillRandbelow(draws, n);
  if (draws.length <= MAX_KEPT_INDICES) {
    kept.set(key, draws);
    if (kept.size > KEEP) kept.delete(kept.keys().next().value as string);
  }
  return draws;
}
