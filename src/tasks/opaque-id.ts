import { createHash } from 'node:crypto';
import type { PyRandom } from '../python/random.js';

/**
 * The reference's opaque handle: `<prefix>_` + the first 12 hex digits of the SHA-256 of the
 * decimal text of a 128-bit draw. Consumes exactly `getrandbits(128)` from `rng`.
 */
export function opaqueId(rng: PyRandom, prefix: string): string {
  const bits = rng.getrandbits(128);
  const hash = createHash('sha256').update(bits.toString(10)).digest('hex');
  return `${prefix}_${hash.slice(0, 12)}`;
}
