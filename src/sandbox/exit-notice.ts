/**
 * The end of an interpreter channel (a process, a pyodide host, a worker): whether it ended, why,
 * and who to tell. It ends once; listeners are told after the owner's clean-up has run.
 */
export class ExitNotice {
  private why: string | null = null;
  private listeners: Array<(reason: string) => void> = [];

  get ended(): boolean {
    return this.why !== null;
  }

  get reason(): string | null {
    return this.why;
  }

  /** Calls the listener once at the end (at once when it has ended); returns a function that removes it. */
  listen(listener: (reason: string) => void): () => void {
    if (this.why !== null) {
      listener(this.why);
      return () => {};
    }
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Ends with this reason: runs cleanUp, then tells the listeners. Nothing happens a second time. */
  end(reason: string, cleanUp: () => void): void {
    if (this.why !== null) return;
    this.why = reason;
    cleanUp();
    for (const listener of this.listeners.splice(0)) listener(reason);
  }
}
