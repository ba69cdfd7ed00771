// Shared helpers of the sandbox tests: the backends to test and small tools of our own.
import type { TestContext } from 'node:test';
import {
  type BackendName,
  cpythonAvailable,
  createSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox/index.js';
import type { Tool, ToolArgs } from '../../src/tasks/tool.js';
import { ToolRuntimeError } from '../../src/tasks/tool.js';
import { requireSystemDep } from '../helpers/system-deps.js';

export const BACKENDS: BackendName[] = ['pyodide', 'cpython'];

/** Skips (loudly) when the cpython backend's python3 is missing. */
export function backendAvailable(t: TestContext, backend: BackendName): boolean {
  if (backend === 'pyodide') return true;
  return requireSystemDep(t, 'python3', cpythonAvailable());
}

const sandboxes = new Map<string, Sandbox>();
/** One sandbox per backend and recycle mode for a test file (processes are pooled). */
export function sandboxFor(backend: BackendName, options: SandboxOptions = {}): Sandbox {
  const key = `${backend}:${JSON.stringify(options)}`;
  let sandbox = sandboxes.get(key);
  if (!sandbox) {
    sandbox = createSandbox({ backend, poolSize: 1, ...options });
    sandboxes.set(key, sandbox);
  }
  return sandbox;
}

export async function shutdownSandboxes(): Promise<void> {
  await Promise.all([...sandboxes.values()].map((s) => s.shutdown()));
  sandboxes.clear();
}

/** A small stateful tool set: a counter kept in the harness, a tool with every parameter kind. */
export function fakeTools(): { tools: Tool[]; state: { counter: number; calls: ToolArgs[] } } {
  const state = { counter: 0, calls: [] as ToolArgs[] };
  const tools: Tool[] = [
    {
      name: 'bump',
      doc: 'Adds n to the counter and returns it.',
      params: [{ name: 'n', type: 'int', doc: 'amount', required: true }],
      returns: 'int',
      call(args) {
        state.calls.push(args);
        state.counter += Number(args.n);
        if (state.counter > 1000) throw new ToolRuntimeError('Counter overflow', 'RuntimeError');
        return state.counter;
      },
    },
    {
      name: 'describe',
      doc: 'Echoes its arguments.',
      params: [
        { name: 'label', type: 'str', doc: 'a label', required: true },
        { name: 'weight', type: 'float', doc: 'a weight', required: false, default: 1.5 },
        { name: 'flag', type: 'bool', doc: 'a flag', required: false, default: null },
      ],
      returns: 'str',
      call(args) {
        state.calls.push(args);
        return `${args.label}|${args.weight}|${args.flag}`;
      },
    },
    {
      name: 'finish',
      doc: 'Call when the task execution is finished',
      params: [],
      returns: 'None',
      call() {
        return null;
      },
    },
  ];
  return { tools, state };
}
