import { z } from 'zod';

/** The two runtimes an agent plays under: names survive between steps, or every step starts afresh. */
export const RUNTIME_MODES = ['persistent', 'stateless'] as const;
export const runtimeModeSchema = z.enum(RUNTIME_MODES);

/**
 * A runtime as recorded in a trace or result: the mode, possibly with options after a colon
 * (`persistent:ttl=3`). Read as the mode, which is what labels and metrics group by.
 */
export const recordedRuntimeSchema = z
  .string()
  .transform((spec) => spec.split(':')[0])
  .pipe(runtimeModeSchema);
