// `alr exec`: runs the code steps of a JSON file in one sandboxed episode with a task's tools bound,
// printing one JSON line per step and then the task's evaluation.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { parseJsonText } from '../formats/json-file.js';
import { runtimeMessageText } from '../runtime/messages.js';
import { formatRuntimeSpec, parseRuntimeSpec, RUNTIME_GRAMMAR } from '../runtime/spec.js';
import { InputError } from '../util/errors.js';

interface ExecOptions {
  task: string;
  runtime: string;
  steps: string;
  backend: string;
  stepTimeoutMs?: string;
  memoryLimitMb?: string;
  maxToolCalls?: string;
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InputError(`${flag} expects a positive integer, got '${value}'`);
  return Number(value);
}

/** Reads `{"steps": ["…", …]}`. */
export function readSteps(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read the steps file (${(err as Error).message})`, path);
  }
  const data = parseJsonText(text, path);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError('expected an object {"steps": [...]}', path);
  const steps = (data as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) throw new InputError('expected an array of code strings', path, 'steps');
  steps.forEach((s, i) => {
    if (typeof s !== 'string') throw new InputError('expected a string of Python code', path, `steps.${i}`);
  });
  return steps as string[];
}

export function register(program: Command): void {
  program
    .command('exec')
    .description(
      'run the code steps of a JSON file ({"steps": ["…"]}) in one sandboxed episode with a task\'s tools; ' +
        'prints one JSON line per step ({"step" (1-based), "success", "output", "error", "error_type", ' +
        '"duration_ms", "globals", "runtime_message"}) and then {"evaluation": {...}}',
    )
    .requiredOption('--task <file>', 'task JSON file')
    .requiredOption('--runtime <spec>', `runtime spec: ${RUNTIME_GRAMMAR}`)
    .requiredOption('--steps <file>', 'JSON file {"steps": ["code", ...]}')
    .option('--backend <name>', 'pyodide | cpython', 'pyodide')
    .option('--step-timeout-ms <n>', 'wall-clock limit per step (default 30000)')
    .option('--memory-limit-mb <n>', 'memory limit of the interpreter (default 1024)')
    .option('--max-tool-calls <n>', 'tool calls allowed per step (default: no limit, as the reference)')
    .action(async (opts: ExecOptions) => {
      const runtime = parseRuntimeSpec(opts.runtime, '--runtime');
      if (opts.backend !== 'pyodide' && opts.backend !== 'cpython')
        throw new InputError(`--backend must be pyodide or cpython, got '${opts.backend}'`);
      const stepTimeoutMs = positiveInteger(opts.stepTimeoutMs, '--step-timeout-ms');
      const memoryLimitMb = positiveInteger(opts.memoryLimitMb, '--memory-limit-mb');
      const maxToolCalls = positiveInteger(opts.maxToolCalls, '--max-tool-calls');
      const steps = readSteps(opts.steps);
      const { createEnvironment, loadTask } = await import('../tasks/index.js');
      const task = loadTask(opts.task);
      const environment = createEnvironment(task);
      const { createSandbox } = await import('../sandbox/index.js');
      const backend = opts.backend;
      if (backend === 'cpython') {
        const { cpythonAvailable } = await import('../sandbox/index.js');
        if (!cpythonAvailable()) throw new InputError('--backend cpython needs python3 on the PATH');
      }
      const sandbox = createSandbox({ backend, poolSize: 0, snapshot: false, memoryLimitMb });
      try {
        const session = await sandbox.openSession({
          mode: runtime.base,
          runtime: formatRuntimeSpec(runtime),
          taskId: task.task_id ?? basename(opts.task).replace(/\.json$/, ''),
          tools: environment.tools(),
          maxToolCalls,
          stepTimeoutMs,
          memoryLimitMb,
        });
        for (const [index, code] of steps.entries()) {
          const result = await session.step(code);
          const line = {
            step: index + 1,
            success: result.success,
            output: result.output,
            error: result.error,
            error_type: result.error_type,
            duration_ms: Math.round(result.duration_ms * 1000) / 1000,
            globals: Object.keys(result.globals),
            runtime_message: runtimeMessageText(result.runtime_message),
          };
          process.stdout.write(`${JSON.stringify(line)}\n`);
        }
        await session.close();
        const evaluation = environment.evaluate();
        process.stdout.write(
          `${JSON.stringify({ evaluation: { is_solved: evaluation.is_solved, score: evaluation.score, metrics: evaluation.metrics } })}\n`,
        );
      } finally {
        await sandbox.shutdown();
      }
    });
}
