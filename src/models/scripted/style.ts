// The two execution styles. Both run the same planned action; they differ in where state lives.
//  - persistent: state stays in interpreter variables; blocks refer back to them and never re-import.
//    When the interpreter turns out to have forgotten them (NameError), the block rebuilds them first,
//    and the next block goes back to referring to them.
//  - stateless: every block is self-contained: it imports json and re-declares, as literals copied
//    from earlier outputs, every variable the action reads.
import { type ConversationView, lostState } from './conversation.js';
import { pyLiteral } from './python-literal.js';
import type { PlannedTurn } from './turn.js';

export type PolicyStyle = 'persistent' | 'stateless';

export function renderTurn(turn: PlannedTurn, style: PolicyStyle, view: ConversationView): string {
  const { prelude, note } = style === 'persistent' ? persistentPrelude(turn, view) : statelessPrelude(turn);
  const code = [prelude, turn.body].filter((part) => part.length > 0).join('\n');
  return `${turn.reasoning}${note}\n\n\`\`\`python\n${code}\n\`\`\``;
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

function statelessPrelude(turn: PlannedTurn): { prelude: string; note: string } {
  const lines = ['import json'];
  for (const name of turn.uses) lines.push(`${name} = ${pyLiteral(turn.state[name] ?? null)}`);
  const note =
    turn.uses.length > 0
      ? ' Nothing survives between blocks, so I re-import json and re-declare what I learned so far from the earlier outputs.'
      : ' Nothing survives between blocks, so this block is self-contained.';
  return { prelude: lines.join('\n'), note };
}
