// Condition labels (difficulty × train × runtime) from whatever a run tells about itself.
import { basename } from 'node:path';
import type { RuntimeMode } from '../runtime/spec.js';
import type { RawGroup } from './discover.js';
import type { ConditionLabels } from './types.js';

/** Reference system prompts say which runtime they describe (the persistent note vs the reset note). */
export function runtimeFromSystemPrompts(prompts: readonly string[] | null | undefined): RuntimeMode | null {
  if (!prompts || prompts.length === 0) return null;
  const text = prompts.join('\n');
  if (/Runtime state: PERMANENT/i.test(text) || /variables persist/i.test(text)) return 'persistent';
  if (/DO NOT persist/i.test(text) || /fresh (environment|namespace)/i.test(text)) return 'stateless';
  return null;
}

export interface GroupLabels extends ConditionLabels {
  /** The runtime spec's text (docs/runtimes.md). */
  runtimeMode: string | null;
  model: { name: string; kind: string } | null;
}

/** Split folders of the released benchmark dataset are named `{model}_{runtime}_{difficulty}`. */
const SPLIT_NAME = /(?:^|[/\\])([A-Za-z0-9-]+)_(persistent|stateless|reset)_([A-Za-z0-9-]+)(?:[/\\]|$)/;

export function labelGroup(group: RawGroup): GroupLabels {
  const first = group.episodes.find((e) => e.trace?.alr || e.result?.alr) ?? group.episodes[0];
  const alrTrace = first?.trace?.alr;
  const alrResult = first?.result?.alr;
  const agentName = group.agent ?? alrTrace?.agent ?? alrResult?.agent ?? null;
  const agentMeta = group.run?.agents.find((a) => a.name === agentName) ?? null;
  const split = SPLIT_NAME.exec(group.source);

  const runtimeMode: string | null =
    agentMeta?.runtime ??
    alrTrace?.runtime ??
    alrResult?.runtime ??
    (split ? (split[2] === 'persistent' ? 'persistent' : 'stateless') : null) ??
    runtimeFromSystemPrompts(first?.trace?.summary.system_prompts);

  const model = agentMeta?.model ?? alrTrace?.model ?? null;
  const train =
    agentMeta?.policy_style ??
    (model ? styleOfModelName(model.name) : null) ??
    (split ? (split[1] === 'reset' ? 'stateless' : (split[1] as string)) : null) ??
    agentName ??
    'unknown';
  const difficulty =
    group.run?.task_set ??
    group.run?.run_name ??
    (split ? (split[3] as string) : null) ??
    basename(group.runDir ?? group.source);
  return {
    difficulty,
    train,
    runtime: runtimeMode ?? 'unknown',
    runtimeMode,
    model: model ? { name: model.name, kind: model.kind } : null,
  };
}

/** `scripted-persistent` → persistent; other model names stay as they are. */
function styleOfModelName(name: string): string {
  const m = /^scripted-(persistent|stateless)$/.exec(name);
  return m ? (m[1] as string) : name;
}
