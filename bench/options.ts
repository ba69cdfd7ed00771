/** What every benchmark's `run(options)` receives. */
export interface BenchOptions {
  /** Smaller, faster variant for smoke checks. */
  quick: boolean;
  /** Extra benchmark-specific options (`--set key=value`). */
  settings: Record<string, string>;
}
