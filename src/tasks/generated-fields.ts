// The fields the generator stamps on what it writes: the fallback `nl` text and the times.
import type { TaskFamily } from './environment.js';

export const MANIFEST_SCHEMA_VERSION = 'pythonformer.taskgen.manifest.v1';

/** The reference's deterministic `nl` object, written when no language model is used (§1.9). */
export function nlFallback(family: TaskFamily): {
  title: string;
  instructions: string;
  output_format: string;
} {
  return {
    title: `${family}: solve the task`,
    instructions:
      'Use the declared tools to solve the task. Do not assume hidden values; retrieve them using tools. Keep track of your state in variables as you proceed.',
    output_format: 'Return a JSON object with your final answer under key `answer`.',
  };
}

/** Microseconds since the epoch, from the high-resolution clock. */
export function nowMicros(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
}

function isoParts(micros: bigint): { base: string; fraction: string } {
  const millis = Number(micros / 1000n);
  const base = new Date(millis).toISOString().slice(0, 19);
  const micro = Number(micros % 1_000_000n);
  return { base, fraction: micro === 0 ? '' : `.${String(micro).padStart(6, '0')}` };
}

/** Pydantic's JSON form of a UTC datetime: `2026-11-23T20:50:42.834742Z` (no fraction when 0). */
export function pydanticUtc(micros: bigint): string {
  const { base, fraction } = isoParts(micros);
  return `${base}${fraction}Z`;
}

/** Python's `datetime.now(timezone.utc).isoformat()`: `…T20:50:42.831263+00:00`. */
export function pythonIsoUtc(micros: bigint): string {
  const { base, fraction } = isoParts(micros);
  return `${base}${fraction}+00:00`;
}
