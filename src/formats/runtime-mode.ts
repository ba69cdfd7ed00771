import { z } from '../util/zod.js';

/** The two runtimes an agent plays under: names survive between steps, or every step starts afresh. */
export const RUNTIME_MODES = ['persistent', 'stateless'] as const;
export const runtimeModeSchema = z.enum(RUNTIME_MODES);

/**
 * A runtime as recorded in a trace, result or run.json: a runtime spec (docs/runtimes.md), e.g.
 * `persistent`, `stateless+summary` or `persistent:ttl=3`, kept whole.
 */
export { runtimeNameSchema as recordedRuntimeSchema } from '../runtime/schema.js';
