// The clocks the reference's files use (reference-behavior §11.21): trace timestamps are naive local
// ISO times, model-call timestamps are UTC ISO with "+00:00", result times are monotonic seconds.

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Python's isoformat fraction: microseconds, omitted when zero. */
function fraction(ms: number): string {
  return ms === 0 ? '' : `.${pad(ms, 3)}000`;
}

/** `datetime.now().isoformat()`: local time without an offset. */
export function localIsoNaive(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${fraction(d.getMilliseconds())}`
  );
}

/** `datetime.now(timezone.utc).isoformat()`. */
export function utcIso(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction(d.getUTCMilliseconds())}+00:00`
  );
}

/** A monotonic clock in seconds (the reference's `loop.time()`); only differences mean anything. */
export function monotonicSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}
