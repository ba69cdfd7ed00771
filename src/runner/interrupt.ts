/**
 * Ctrl-C handling for long runs: the first SIGINT stops scheduling new episodes and lets running ones
 * finish (their files are written atomically); a second SIGINT exits at once, which is safe too
 * because no file is ever left half-written.
 */
export interface InterruptControl {
  /** Raised by the first SIGINT (or SIGTERM). */
  stop: AbortSignal;
  dispose(): void;
}

export function handleInterrupts(say: (message: string) => void, resumeHint: string): InterruptControl {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      say(`\n${signal} again: exiting now. ${resumeHint}`);
      process.exit(130);
    }
    stop.abort();
    say(
      `\n${signal}: no new episodes will start; waiting for the running ones (press Ctrl-C again to exit now).`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
