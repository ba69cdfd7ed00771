// The two execution styles. Both run the same planned action; they differ in where state lives.
//  - persistent: state stays in interpreter variables; blocks refer back to them and never re-import.
//    When the interpreter turns out to have forgotten them (NameError), the block rebuilds them first.
//    After a NameError the style has learned that nothing survives, so from then on it carries state
//    the way the stateless style does (the recovery real models show in a stateless runtime).
//  - stateless: every block is self-contained, and carries state the way real models do there: it
//    re-imports json, re-declares everything learned so far as literals copied from earlier outputs
//    (not only what the action reads), and ends by printing that state for the next block to copy.

import type { RuntimeMode } from '../../runtime/spec.js';
import { type ConversationView, lostState } from './conversation.js';
import { PySet, type PyValue, pyLiteral } from './python-literal.js';
import type { PlannedTurn } from './turn.js';

/** The runtime a policy writes its code for (scripted ones by name, served ones as trained). */
export type PolicyStyle = RuntimeMode;

/** Key of the JSON line with which stateless-style blocks print the state they carry forward. */
export const CARRY_KEY = 'carry';

export function renderTurn(turn: PlannedTurn, style: PolicyStyle, view: ConversationView): string {
  const carried = style === 'stateless' || learnedStateIsLost(view);
  const { prelude, note } = carried ? statelessPrelude(turn, style) : persistentPrelude(turn, view);
  const code = [prelude, turn.body, carried ? carryLine(turn) : '']
    .filter((part) => part.length > 0)
    .join('\n');
  return `${turn.reasoning}${note}\n\n\`\`\`python\n${code}\n\`\`\``;
}

/** True once an earlier block failed with a NameError: the interpreter does not keep variables. */
function learnedStateIsLost(view: ConversationView): boolean {
  return view.observations.some((o) => o.error !== null && /NameError/.test(o.error));
}

function persistentPrelude(turn: PlannedTurn, view: ConversationView): { prelude: string; note: string } {
  if (turn.uses.length === 0 || !lostState(view, turn.uses)) {
    const kept =
      turn.uses.length > 0
        ? ` I reuse ${turn.uses.map((n) => `\`${n}\``).join(', ')} from earlier blocks.`
        : '';
    const created = turn.creates?.length
      ? ` The variables ${turn.creates.map((n) => `\`${n}\``).join(', ')} stay available for later blocks.`
      : '';
    return { prelude: '', note: kept + created };
  }
  // Rebuild every state variable, not only those this block reads: the interpreter lost them all.
  const lines = ['# The interpreter lost my variables; rebuild them from earlier outputs.'];
  for (const [name, value] of Object.entries(turn.state)) {
    const viaTool = turn.rebuildWithTools?.[name];
    lines.push(`${name} = ${viaTool ?? pyLiteral(value)}`);
  }
  return {
    prelude: lines.join('\n'),
    note: ' The last block failed with a NameError, so I first rebuild my variables from what earlier outputs showed, then continue.',
  };
}

/** The variables a carrying block re-declares: all learned state once the action reads any of it. */
function carriedNames(turn: PlannedTurn): string[] {
  return turn.uses.length > 0 ? Object.keys(turn.state) : [];
}

function statelessPrelude(turn: PlannedTurn, style: PolicyStyle): { prelude: string; note: string } {
  const lines = ['import json'];
  const names = carriedNames(turn);
  for (const name of names) lines.push(`${name} = ${pyLiteral(turn.state[name] ?? null)}`);
  const why =
    style === 'persistent'
      ? ' An earlier block failed with a NameError: this interpreter keeps nothing between blocks.'
      : ' Nothing survives between blocks.';
  const note =
    names.length > 0
      ? `${why} So I re-import json and paste everything I have learned so far, copied from the earlier outputs, and print it again at the end.`
      : `${why} So this block is self-contained, and it prints what it learns at the end.`;
  return { prelude: lines.join('\n'), note };
}

/** `print(json.dumps({"carry": {...}}))` over every state variable (sets printed sorted). */
function carryLine(turn: PlannedTurn): string {
  const names = Object.keys(turn.state).filter(
    (name) => (turn.creates ?? []).includes(name) || carriedNames(turn).includes(name),
  );
  if (names.length === 0) return '';
  const fields = names.map((name) => `"${name}": ${isSet(turn.state[name]) ? `sorted(${name})` : name}`);
  return `print(json.dumps({"${CARRY_KEY}": {${fields.join(', ')}}}))`;
}

function isSet(value: PyValue | undefined): boolean {
  return value instanceof PySet;
}
