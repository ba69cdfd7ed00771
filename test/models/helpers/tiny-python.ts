// A minimal CPython executor for the policy tests, used until/unless the project's sandbox is
// available: runs each block in python3 with the task's tools bridged back to the harness over
// stdin/stdout. No isolation (tests only run the policies' own code).
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import type { Tool } from '../../../src/tasks/tool.js';

const DRIVER = String.raw`
import sys, json, io, traceback, builtins
proto_in, proto_out = sys.stdin, sys.stdout
persistent = sys.argv[1] == "persistent"
names = json.loads(sys.argv[2])
class ToolRuntimeException(Exception):
    pass
def make_tool(name):
    def call(*args):
        proto_out.write(json.dumps({"type": "call", "tool": name, "args": list(args)}) + "\n")
        proto_out.flush()
        reply = json.loads(proto_in.readline())
        if not reply["ok"]:
            raise ToolRuntimeException("ToolRuntimeException: " + reply["error"])
        return reply["result"]
    return call
def base():
    ns = {"json": json, "__name__": "__main__"}
    for n in names:
        ns[n] = make_tool(n)
    return ns
base_names = set(base())
ns = base()
for line in proto_in:
    msg = json.loads(line)
    if not persistent:
        ns = base()
    buf = io.StringIO()
    sys.stdout = buf
    error = None
    try:
        exec(compile(msg["code"], "<string>", "exec"), ns)
    except Exception as e:
        error = "".join(traceback.format_exception_only(type(e), e)).strip()
    finally:
        sys.stdout = proto_out
    for n in names:
        ns[n] = make_tool(n)
    g = [k for k in ns if k not in base_names and not k.startswith("__") and type(ns[k]).__name__ != "module"] if persistent else []
    proto_out.write(json.dumps({"type": "done", "success": error is None, "output": buf.getvalue(), "error": error, "globals": g}) + "\n")
    proto_out.flush()
`;

export interface TinyStep {
  success: boolean;
  output: string;
  error: string | null;
  globals: string[];
}

export function hasPython3(): boolean {
  return spawnSync('python3', ['--version']).status === 0;
}

export class TinyPython {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly queue: string[] = [];
  private waiting: ((line: string) => void) | undefined;

  constructor(
    mode: 'persistent' | 'stateless',
    private readonly tools: Tool[],
    private readonly maxToolCalls?: number,
  ) {
    this.child = spawn('python3', ['-c', DRIVER, mode, JSON.stringify(tools.map((t) => t.name))]);
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => {
      const resolve = this.waiting;
      if (resolve) {
        this.waiting = undefined;
        resolve(line);
      } else this.queue.push(line);
    });
  }

  private next(): Promise<string> {
    const line = this.queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async step(code: string): Promise<TinyStep> {
    this.child.stdin.write(`${JSON.stringify({ code })}\n`);
    let calls = 0;
    for (;;) {
      const msg = JSON.parse(await this.next()) as {
        type: string;
        tool?: string;
        args?: unknown[];
      } & TinyStep;
      if (msg.type === 'done') return msg;
      calls += 1;
      const tool = this.tools.find((t) => t.name === msg.tool) as Tool;
      let reply: unknown;
      if (this.maxToolCalls !== undefined && calls > this.maxToolCalls) {
        reply = { ok: false, error: `Tool call limit exceeded: allowed ${this.maxToolCalls} per run.` };
      } else {
        try {
          const args = Object.fromEntries(tool.params.map((p, i) => [p.name, (msg.args ?? [])[i] as never]));
          reply = { ok: true, result: tool.call(args) };
        } catch (err) {
          reply = { ok: false, error: (err as Error).message };
        }
      }
      this.child.stdin.write(`${JSON.stringify(reply)}\n`);
    }
  }

  close(): void {
    this.lines.close();
    this.child.kill();
  }
}
