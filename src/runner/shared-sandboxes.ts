// The sandboxes of one run or experiment stage, shared by its agents and conditions: a pyodide host
// (its compiled module, snapshot and code cache) or a cpython fork server starts once, not once
// per condition. Sharing changes nothing between episodes: each session is still a fresh
// interpreter (a worker with its own Pyodide instance, or a forked child), whoever opened it.
import type { BackendName } from '../sandbox/index.js';
import { createSandbox, type Sandbox } from '../sandbox/index.js';

export class SharedSandboxes {
  private readonly sandboxes = new Map<string, Sandbox>();

  /** The sandbox of this backend and warm-pool size, started on first use. */
  get(backend: BackendName, poolSize: number): Sandbox {
    const key = `${backend}:${poolSize}`;
    let sandbox = this.sandboxes.get(key);
    if (!sandbox) {
      sandbox = createSandbox({ backend, poolSize });
      this.sandboxes.set(key, sandbox);
    }
    return sandbox;
  }

  async shutdown(): Promise<void> {
    const all = [...this.sandboxes.values()];
    this.sandboxes.clear();
    await Promise.allSettled(all.map((s) => s.shutdown()));
  }
}
