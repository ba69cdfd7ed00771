// Rule diagnosis: probe a few inputs, find every rule of the hinted family consistent with the
// answers, submit candidates until one is accepted, then finish.
import { type ConversationView, callsPerBlock, firstInt } from './conversation.js';
import { type PyValue, pyLiteral } from './python-literal.js';
import { type PlannedTurn, REBUILD_CALLS } from './turn.js';

type Rule = Record<string, number>;

export interface RuleKnowledge {
  family: 'linear_int' | 'affine_mod' | undefined;
  budget: number;
  probes: [number, number][];
  rejected: string[];
  accepted: boolean;
}

/** Probe inputs: 0 and 1 fix a linear rule; larger, unrelated inputs expose a modulus. */
const PROBE_INPUTS = [0, 1, 2, 97, 1009, 10007, 3, 5, 7, 11, 13, 17, 19, 23, 29];
const MAX_MODULUS = 64;

export function readRule(view: ConversationView): RuleKnowledge {
  const text = `${view.goal}\n${view.system}`;
  const family = /affine_mod/.test(view.goal)
    ? 'affine_mod'
    : /linear_int/.test(view.goal)
      ? 'linear_int'
      : undefined;
  const known: RuleKnowledge = {
    family: family ?? (/affine_mod/.test(text) ? 'affine_mod' : undefined),
    budget: firstInt(/budget\D*(\d+)/i, view.goal) ?? 3,
    probes: [],
    rejected: [],
    accepted: false,
  };
  for (const record of view.records) {
    if (typeof record.probe === 'number' && typeof record.y === 'number')
      known.probes.push([record.probe, record.y]);
    if (typeof record.submit === 'string') {
      if (record.ok === true) known.accepted = true;
      else known.rejected.push(record.submit);
    }
  }
  return known;
}

function candidates(k: RuleKnowledge): Rule[] {
  const found: Rule[] = [];
  const [p0, p1] = k.probes;
  if (k.family !== 'affine_mod' && p0 && p1 && p0[0] === 0 && p1[0] === 1) {
    const rule = { a: p1[1] - p0[1], b: p0[1] };
    if (k.probes.every(([x, y]) => rule.a * x + rule.b === y)) found.push(rule);
  }
  if (k.family !== 'linear_int') {
    const top = Math.max(0, ...k.probes.map(([, y]) => y));
    for (let m = Math.max(2, top + 1); m <= MAX_MODULUS; m++)
      for (let a = 0; a < m; a++)
        for (let b = 0; b < m; b++)
          if (k.probes.every(([x, y]) => (((a * x + b) % m) + m) % m === y)) found.push({ m, a, b });
  }
  return found;
}

function stateOf(k: RuleKnowledge): Record<string, PyValue> {
  return { probes: Object.fromEntries(k.probes.map(([x, y]) => [String(x), y])) };
}

export function planRule(view: ConversationView): PlannedTurn {
  const k = readRule(view);
  const state = stateOf(k);
  const calls = callsPerBlock(view) - REBUILD_CALLS;
  if (k.accepted) {
    return {
      reasoning: 'The rule was accepted; I finish.',
      body: 'finish()\nprint(json.dumps({"finished": True}))',
      uses: [],
      state,
    };
  }
  if (k.probes.length === 0) {
    const count = Math.min(k.budget, k.family === 'linear_int' ? 2 : 5, calls);
    const xs = PROBE_INPUTS.slice(0, count);
    return {
      reasoning: `The rule family is ${k.family ?? 'not stated'} and I have ${k.budget} probes. I probe ${xs.length} inputs and keep the answers in \`probes\`.`,
      body: [
        'probes = {}',
        `for x in ${pyLiteral(xs)}:`,
        '    probes[str(x)] = test_input(x)',
        '    print(json.dumps({"probe": x, "y": probes[str(x)]}))',
      ].join('\n'),
      uses: [],
      state,
      creates: ['probes'],
    };
  }
  const open = candidates(k)
    .map((rule) => JSON.stringify(rule))
    .filter((text) => !k.rejected.includes(text));
  if (open.length === 0) {
    return {
      reasoning: 'No rule of the hinted family fits the probes; I finish.',
      body: 'finish()\nprint(json.dumps({"finished": True}))',
      uses: [],
      state,
    };
  }
  const batch = open.slice(0, Math.max(1, calls - 1));
  return {
    reasoning: `${open.length} rule(s) fit the ${k.probes.length} probes in \`probes\`; I submit them in order until one is accepted${batch.length < open.length ? ` (first ${batch.length})` : ''}.`,
    body: [
      'print(json.dumps({"probes": probes}))',
      `for params in ${pyLiteral(batch)}:`,
      '    ok = submit(params)',
      '    print(json.dumps({"submit": params, "ok": ok}))',
      '    if ok:',
      '        finish()',
      '        print(json.dumps({"finished": True}))',
      '        break',
    ].join('\n'),
    uses: ['probes'],
    state,
  };
}
