// Behavioral metrics of one episode, from Python's own parse of each executed block.
// Definitions (and why) are in docs/metrics.md; keep the two in step.
import { isPlainRuntime, runtimeSpecOrNull } from '../runtime/spec.js';
import type { CodeAnalysis } from '../sandbox/interpreter.js';
import type { StepView } from './types.js';

/** Names every episode's namespace starts with (tools of all families and `json`): not agent state. */
export const BASE_NAMES: ReadonlySet<string> = new Set([
  'json',
  'inspect',
  'take_item',
  'list_items',
  'finish',
  'scan',
  'move',
  'test_input',
  'submit',
]);

export interface BehaviorMetrics {
  state_utilization: number | null;
  state_reuse_per_step: number | null;
  reimport_rate: number | null;
  imports_per_step: number | null;
  symbol_lifespan: number | null;
  unparsed_blocks: number;
}

interface AnalyzedStep {
  turn: number;
  analysis: CodeAnalysis;
  /** Interpreter-held user names after this step, or null when unknown. */
  heldAfter: Set<string> | null;
}

/**
 * `analyses[i]` is the analysis of `steps[i].code` (null for steps that ran no block).
 * `runtime` decides which names the interpreter kept when the trace does not record its globals.
 */
export function behaviorMetrics(
  steps: readonly StepView[],
  analyses: ReadonlyArray<CodeAnalysis | null>,
  runtime: string | null,
): BehaviorMetrics {
  // Without recorded globals, what the interpreter held follows from the runtime; a spec that
  // forgets or restarts (docs/runtimes.md) leaves it unknown.
  const spec = runtimeSpecOrNull(runtime);
  const assumed =
    spec === null
      ? null
      : spec.base === 'stateless'
        ? 'stateless'
        : isPlainRuntime(spec)
          ? 'persistent'
          : null;
  const executed: AnalyzedStep[] = [];
  let unparsed = 0;
  // Names bound by earlier blocks: what a persistent interpreter holds when the trace lacks `globals`.
  const boundSoFar = new Set<string>();
  steps.forEach((step, i) => {
    const analysis = analyses[i];
    if (step.code === null || step.success === null || !analysis) return;
    if (!analysis.parsed) {
      unparsed++;
      return;
    }
    for (const name of analysis.bound) if (!BASE_NAMES.has(name)) boundSoFar.add(name);
    let heldAfter: Set<string> | null;
    if (step.globals) heldAfter = new Set(step.globals.filter((n) => !BASE_NAMES.has(n)));
    else if (assumed === 'persistent') heldAfter = new Set(boundSoFar);
    else if (assumed === 'stateless') heldAfter = new Set();
    else heldAfter = null;
    executed.push({ turn: step.turn, analysis, heldAfter });
  });

  return {
    ...stateUse(executed),
    ...imports(executed),
    symbol_lifespan: symbolLifespan(executed),
    unparsed_blocks: unparsed,
  };
}

function stateUse(
  executed: AnalyzedStep[],
): Pick<BehaviorMetrics, 'state_utilization' | 'state_reuse_per_step'> {
  if (executed.length < 2) return { state_utilization: null, state_reuse_per_step: null };
  let stepsUsing = 0;
  let namesUsed = 0;
  for (let i = 1; i < executed.length; i++) {
    const held = (executed[i - 1] as AnalyzedStep).heldAfter;
    if (held === null) return { state_utilization: null, state_reuse_per_step: null };
    const reused = (executed[i] as AnalyzedStep).analysis.free.filter(
      (n) => held.has(n) && !BASE_NAMES.has(n),
    );
    const distinct = new Set(reused).size;
    if (distinct > 0) stepsUsing++;
    namesUsed += distinct;
  }
  const denominator = executed.length - 1;
  return { state_utilization: stepsUsing / denominator, state_reuse_per_step: namesUsed / denominator };
}

function imports(executed: AnalyzedStep[]): Pick<BehaviorMetrics, 'reimport_rate' | 'imports_per_step'> {
  if (executed.length === 0) return { reimport_rate: null, imports_per_step: null };
  const seen = new Set<string>();
  let firstImport = -1;
  let withImport = 0;
  let reimporting = 0;
  executed.forEach((step, i) => {
    const mods = step.analysis.imports;
    if (mods.length > 0) withImport++;
    if (firstImport >= 0 && mods.some((m) => seen.has(m))) reimporting++;
    if (firstImport < 0 && mods.length > 0) firstImport = i;
    for (const m of mods) seen.add(m);
  });
  const after = firstImport < 0 ? 0 : executed.length - 1 - firstImport;
  return {
    reimport_rate: after === 0 ? 0 : reimporting / after,
    imports_per_step: withImport / executed.length,
  };
}

function symbolLifespan(executed: AnalyzedStep[]): number | null {
  const firstBound = new Map<string, number>();
  const lastReference = new Map<string, number>();
  for (const step of executed) {
    // A reference counts when the block reads the name from outside itself (a free name).
    for (const name of new Set(step.analysis.free)) {
      const born = firstBound.get(name);
      if (born !== undefined && step.turn > born) lastReference.set(name, step.turn);
    }
    for (const name of step.analysis.bound) {
      if (!BASE_NAMES.has(name) && !firstBound.has(name)) firstBound.set(name, step.turn);
    }
  }
  if (firstBound.size === 0) return null;
  let total = 0;
  for (const [name, born] of firstBound) total += (lastReference.get(name) ?? born) - born;
  return total / firstBound.size;
}
