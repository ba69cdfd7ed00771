import { type PyJsonValue, PythonJsonDecodeError, pythonJsonLoads } from '../../python/json-loads.js';
import { PyFloat } from '../../python/py-float.js';
import type { Environment, TaskResult } from '../environment.js';
import { createFinishTool } from '../finish-tool.js';
import { pyStrRepr } from '../python-repr.js';
import { type Tool, type ToolArgs, ToolRuntimeError } from '../tool.js';
import type { RuleDiagnosisTask } from '../types.js';
import { ruleDiagnosisGoalPrompt } from './goal-prompt.js';
import { RULE_DIAGNOSIS_TOOL_DOCS } from './tool-docs.js';

/** Python's `%` (the result takes the divisor's sign). */
function pyMod(n: number, m: number): number {
  const r = n % m;
  return r !== 0 && r < 0 !== m < 0 ? r + m : r;
}

function pyTypeName(value: PyJsonValue): string {
  if (value === null) return 'NoneType';
  if (value instanceof PyFloat) return 'float';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
    default:
      return 'dict';
  }
}

/** Python's int() of a decoded JSON value, with its error messages. */
function pyInt(value: PyJsonValue): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof PyFloat) {
    if (Number.isNaN(value.value))
      throw new ToolRuntimeError('cannot convert float NaN to integer', 'ValueError');
    if (!Number.isFinite(value.value))
      throw new ToolRuntimeError('cannot convert float infinity to integer', 'RuntimeError');
    return Math.trunc(value.value);
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^[+-]?\d+(_\d+)*$/.test(text)) return Number(text.replace(/_/g, ''));
    throw new ToolRuntimeError(`invalid literal for int() with base 10: ${pyStrRepr(value)}`, 'ValueError');
  }
  throw new ToolRuntimeError(
    `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(value)}'`,
    'ValueError',
  );
}

/** Rule-diagnosis environment (reference `RuleDiagnosisEnv`, `reference-behavior.md` §2.4). */
export class RuleDiagnosisEnvironment implements Environment {
  readonly family = 'rule_diagnosis' as const;
  readonly ruleFamily: string;
  readonly probeBudget: number;
  probesUsed = 0;
  solved = false;
  private finishCalled = false;

  constructor(readonly task: RuleDiagnosisTask) {
    this.ruleFamily = task.private.params.family ?? 'unknown';
    this.probeBudget = task.public.probe_budget;
  }

  get finished(): boolean {
    return this.finishCalled;
  }

  goalPrompt(): string {
    return ruleDiagnosisGoalPrompt({ family: this.ruleFamily, probeBudget: this.probeBudget });
  }

  goalPromptValues(): Record<string, string | number> {
    return { family: this.ruleFamily, probe_budget: this.probeBudget, x_domain: 'Integers', notes: '' };
  }

  testInput(x: number): number {
    if (this.probesUsed >= this.probeBudget)
      throw new ToolRuntimeError(`Probe budget exceeded (${this.probeBudget})`, 'RuntimeError');
    this.probesUsed += 1;
    const { a, b, m } = this.task.private.params;
    const y = a * x + b;
    if (this.ruleFamily === 'linear_int') return y;
    if (this.ruleFamily === 'affine_mod') return pyMod(y, m as number);
    throw new ToolRuntimeError(`Unknown rule family: ${this.ruleFamily}`, 'RuntimeError');
  }

  submit(paramsText: string): boolean {
    let given: PyJsonValue;
    try {
      given = pythonJsonLoads(paramsText);
    } catch (err) {
      if (err instanceof PythonJsonDecodeError)
        throw new ToolRuntimeError(`Invalid JSON in params: ${err.message}`, 'ValueError');
      throw err;
    }
    let correct = true;
    for (const [key, hidden] of Object.entries(this.task.private.params)) {
      if (key === 'family') continue;
      if (!this.contains(given, key)) {
        correct = false;
        break;
      }
      if (pyInt(this.lookup(given, key)) !== pyInt(hidden as PyJsonValue)) {
        correct = false;
        break;
      }
    }
    this.solved = correct;
    return correct;
  }

  /** Python's `key in given` for whatever JSON value the model sent. */
  private contains(given: PyJsonValue, key: string): boolean {
    if (
      given === null ||
      typeof given === 'number' ||
      typeof given === 'bigint' ||
      typeof given === 'boolean' ||
      given instanceof PyFloat
    )
      throw new ToolRuntimeError(`argument of type '${pyTypeName(given)}' is not iterable`, 'ValueError');
    if (typeof given === 'string') return given.includes(key);
    if (Array.isArray(given)) return given.some((v) => v === key);
    return Object.hasOwn(given, key);
  }

  /** Python's `given[key]` once `key in given` held. */
  private lookup(given: PyJsonValue, key: string): PyJsonValue {
    if (typeof given === 'string')
      throw new ToolRuntimeError("string indices must be integers, not 'str'", 'ValueError');
    if (Array.isArray(given))
      throw new ToolRuntimeError('list indices must be integers or slices, not str', 'ValueError');
    return (given as { [key: string]: PyJsonValue })[key] as PyJsonValue;
  }

  tools(): Tool[] {
    const docs = RULE_DIAGNOSIS_TOOL_DOCS;
    return [
      {
        name: 'test_input',
        doc: docs.test_input.doc,
        params: [{ name: 'x', type: 'int', doc: docs.test_input.args.x, required: true }],
        returns: 'int',
        call: (args: ToolArgs) => this.testInput(args.x as number),
      },
      {
        name: 'submit',
        doc: docs.submit.doc,
        params: [{ name: 'params', type: 'str', doc: docs.submit.args.params, required: true }],
        returns: 'bool',
        call: (args: ToolArgs) => this.submit(args.params as string),
      },
      createFinishTool(() => {
        this.finishCalled = true;
      }),
    ];
  }

  evaluate(): TaskResult {
    const budget = this.probeBudget;
    return {
      is_solved: this.solved,
      score: this.solved ? 1 : 0,
      metrics: {
        probes_used: this.probesUsed,
        probe_budget: budget,
        efficiency: budget > 0 ? 1 - this.probesUsed / budget : 0,
        family: this.ruleFamily,
      },
    };
  }
}
