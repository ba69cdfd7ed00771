/**
 * Live progress on stderr: episodes done/total, running, errors, tokens, ETA. On a terminal one line
 * is redrawn in place; otherwise a plain line is printed every `intervalMs` (and at the end).
 */

export interface ProgressCounts {
  total: number;
  done: number;
  skipped: number;
  running: number;
  errors: number;
  tokens: number;
}

export interface ProgressSink {
  write(text: string): void;
  isTTY?: boolean;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

function formatTokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** ETA from the pace of episodes run in this invocation (skipped ones cost nothing). */
export function progressLine(c: ProgressCounts, elapsedS: number, label = ''): string {
  const ran = c.done - c.skipped;
  const remaining = c.total - c.done;
  const eta = ran > 0 ? (elapsedS / ran) * remaining : Number.NaN;
  const parts = [
    `${label ? `${label} ` : ''}${c.done}/${c.total} episodes`,
    `${c.running} running`,
    `${c.errors} errors`,
    `${formatTokens(c.tokens)} tokens`,
    `elapsed ${formatDuration(elapsedS)}`,
    remaining === 0 ? 'done' : `ETA ${formatDuration(eta)}`,
  ];
  if (c.skipped > 0) parts.splice(1, 0, `${c.skipped} skipped`);
  return parts.join(' | ');
}

export class ProgressReporter {
  readonly counts: ProgressCounts = { total: 0, done: 0, skipped: 0, running: 0, errors: 0, tokens: 0 };
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private lastLength = 0;
  label = '';

  constructor(
    private readonly sink: ProgressSink | null,
    private readonly intervalMs = 10_000,
  ) {}

  start(): void {
    if (!this.sink) return;
    const every = this.sink.isTTY ? 250 : this.intervalMs;
    this.timer = setInterval(() => this.draw(), every);
    this.timer.unref();
  }

  private line(): string {
    return progressLine(this.counts, (Date.now() - this.started) / 1000, this.label);
  }

  draw(): void {
    if (!this.sink) return;
    const text = this.line();
    if (this.sink.isTTY) {
      this.sink.write(`\r${text.padEnd(this.lastLength)}`);
      this.lastLength = text.length;
    } else this.sink.write(`${text}\n`);
  }

  /** Prints a message without garbling the redrawn line. */
  note(message: string): void {
    if (!this.sink) return;
    if (this.sink.isTTY && this.lastLength > 0) {
      this.sink.write(`\r${' '.repeat(this.lastLength)}\r`);
      this.lastLength = 0;
    }
    this.sink.write(`${message}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.sink || this.counts.total === 0) return;
    this.draw();
    if (this.sink.isTTY) this.sink.write('\n');
    this.lastLength = 0;
  }
}
