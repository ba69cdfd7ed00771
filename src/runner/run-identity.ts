// A run folder keeps its identity: the episodes in results/<agent>/ were played by the model, runtime
// and backend that run.json names, so a re-run that would play (and relabel) them with something else
// is refused unless the user asks for it, and then the change is written down.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { type IdentityChange, type RunJson, type RunJsonAgent, readRunJson } from '../formats/run-json.js';
import { InputError, RunIoError } from '../util/errors.js';
import { type RunLayout, runJsonPath } from './layout.js';
import type { RunMetadata } from './run-metadata.js';

/** What played an agent; a field absent on either side (an older run.json) is not compared. */
const IDENTITY_FIELDS: ReadonlyArray<[string, (agent: RunJsonAgent) => unknown]> = [
  ['model', (a) => a.model?.name],
  ['runtime', (a) => a.runtime],
  ['backend', (a) => a.backend],
];

/** The differences between what played each agent before and what would play it now. */
export function identityDifferences(previous: RunJson, next: RunJson, at: string): IdentityChange[] {
  const changes: IdentityChange[] = [];
  for (const agent of next.agents) {
    const before = previous.agents.find((a) => a.name === agent.name);
    if (!before) continue;
    for (const [field, read] of IDENTITY_FIELDS) {
      const from = read(before);
      const to = read(agent);
      if (from !== undefined && to !== undefined && from !== to)
        changes.push({ at, agent: agent.name, field, from, to });
    }
  }
  return changes;
}

/** Creates the run folder, or says in one line why it cannot be written. */
export function ensureWritableRunDir(layout: RunLayout): void {
  try {
    mkdirSync(layout.runDir, { recursive: true });
    accessSync(layout.runDir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new RunIoError(`cannot create or write the run folder (${code})`, layout.runDir);
  }
}

/**
 * The run.json to write for this start: the new metadata, keeping the first creation time, agents
 * that this config leaves out, and every allowed change. Throws (before anything is written) when
 * an agent would be played by something else and `allowChange` is false.
 */
export function settleRunIdentity(layout: RunLayout, metadata: RunMetadata, allowChange = false): RunJson {
  const next: RunJson = { ...metadata, agents: metadata.agents.map((a) => ({ ...a })) };
  ensureWritableRunDir(layout);
  const file = runJsonPath(layout);
  if (!existsSync(file)) return next;
  const previous = readRunJson(file);
  const changes = identityDifferences(previous, next, new Date().toISOString());
  if (changes.length > 0 && !allowChange) {
    const what = changes
      .map((c) => `agent '${c.agent}' ${c.field} was '${c.from}', now '${c.to}'`)
      .join('; ');
    throw new InputError(
      `this run folder was played by something else (${what}); use another output folder, or --relabel to record the change`,
      file,
    );
  }
  const kept = previous.agents.filter((a) => !next.agents.some((n) => n.name === a.name));
  return {
    ...next,
    created_at: previous.created_at ?? next.created_at,
    agents: [...next.agents, ...kept],
    ...((previous.identity_changes?.length || changes.length) && {
      identity_changes: [...(previous.identity_changes ?? []), ...changes],
    }),
  };
}
