// Navigation: scan the current node, walk along known edges to the nearest unexplored node
// (breadth-first over what has been seen), scan again; move onto the goal as soon as it is adjacent.
import { type ConversationView, callsPerBlock, firstInt } from './conversation.js';
import type { PyValue } from './python-literal.js';
import { type PlannedTurn, REBUILD_CALLS } from './turn.js';

const NODE = /node_[0-9a-f]+/g;

export interface NavigationKnowledge {
  start: string;
  goal: string;
  maxSteps: number | undefined;
  here: string;
  adj: Map<string, string[]>;
  steps: number;
}

/** Start and goal ids from the goal prompt: the line that mentions the goal (or target) names it. */
function startAndGoal(prompt: string): { start: string; goal: string } {
  let start: string | undefined;
  let goal: string | undefined;
  for (const line of prompt.split('\n')) {
    const ids = line.match(NODE) ?? [];
    for (const id of ids) {
      const before = line.slice(0, line.indexOf(id)).toLowerCase();
      const goalWord = Math.max(
        before.lastIndexOf('goal'),
        before.lastIndexOf('target'),
        before.lastIndexOf('destination'),
      );
      const startWord = Math.max(
        before.lastIndexOf('start'),
        before.lastIndexOf('begin'),
        before.lastIndexOf('current'),
      );
      if (goalWord > startWord) goal ??= id;
      else if (startWord >= 0) start ??= id;
    }
  }
  const all = prompt.match(NODE) ?? [];
  start ??= all.find((id) => id !== goal) ?? '';
  goal ??= all.find((id) => id !== start) ?? '';
  return { start, goal };
}

export function readNavigation(view: ConversationView): NavigationKnowledge {
  const { start, goal } = startAndGoal(view.goal);
  const known: NavigationKnowledge = {
    start,
    goal,
    maxSteps: firstInt(/(\d+)\s*(?:moves|steps)/i, view.goal) ?? firstInt(/steps\D*(\d+)/i, view.goal),
    here: start,
    adj: new Map(),
    steps: 0,
  };
  for (const record of view.records) {
    if (typeof record.move === 'string' && record.ok !== false) {
      known.here = record.move;
      known.steps += 1;
    }
    if (typeof record.at === 'string' && Array.isArray(record.neighbors)) {
      known.here = record.at;
      known.adj.set(
        record.at,
        record.neighbors.filter((n): n is string => typeof n === 'string' && n.length > 0),
      );
    }
  }
  return known;
}

/** Shortest known route from `from` to the nearest node that has been seen but not scanned. */
function routeToFrontier(k: NavigationKnowledge): string[] | undefined {
  const previous = new Map<string, string>([[k.here, k.here]]);
  const queue = [k.here];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    if (!k.adj.has(node)) {
      const route: string[] = [];
      for (let at = node; at !== k.here; at = previous.get(at) as string) route.unshift(at);
      return route;
    }
    for (const next of k.adj.get(node) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  return undefined;
}

function stateOf(k: NavigationKnowledge): Record<string, PyValue> {
  return { goal: k.goal, here: k.here, adj: Object.fromEntries(k.adj) };
}

export function planNavigation(view: ConversationView): PlannedTurn {
  const k = readNavigation(view);
  const state = stateOf(k);
  const scanLines = [
    'adj[here] = [n for n in scan().split(",") if n]',
    'print(json.dumps({"at": here, "neighbors": adj[here]}))',
  ];
  if (!k.adj.has(k.here)) {
    return {
      reasoning: `I start at ${k.here} and must reach ${k.goal}. I scan my neighbours and keep the map in \`adj\`.`,
      body: [`goal = "${k.goal}"`, `here = "${k.here}"`, 'adj = {}', ...scanLines].join('\n'),
      uses: [],
      state,
      creates: ['goal', 'here', 'adj'],
    };
  }
  const calls = callsPerBlock(view) - REBUILD_CALLS;
  const neighbours = k.adj.get(k.here) ?? [];
  const atGoal = k.here === k.goal;
  if (atGoal || neighbours.includes(k.goal)) {
    return {
      reasoning: atGoal
        ? 'I am at the goal; I finish.'
        : `The goal ${k.goal} is adjacent; I step onto it and finish.`,
      body: [
        ...(atGoal ? [] : ['move(goal)', 'here = goal', 'print(json.dumps({"move": here, "ok": True}))']),
        'finish()',
        'print(json.dumps({"finished": True, "at": here}))',
      ].join('\n'),
      uses: ['goal', ...(atGoal ? ['here'] : [])],
      state,
    };
  }
  const route = routeToFrontier(k);
  const stepLimitHit = /Max steps/.test(view.lastObservation?.error ?? '');
  if (!route || stepLimitHit) {
    return {
      reasoning: stepLimitHit
        ? 'The step limit is used up; I finish where I am.'
        : 'Every reachable node is explored and the goal was not found; I finish.',
      body: 'finish()\nprint(json.dumps({"finished": True, "at": here}))',
      uses: ['here'],
      state,
    };
  }
  return {
    reasoning: `${k.adj.size} nodes explored, ${k.steps} moves used${k.maxSteps ? ` of ${k.maxSteps}` : ''}. I keep exploring breadth-first from \`adj\`: walk known edges to the nearest unscanned node, scan it, repeat, and step onto the goal as soon as it is adjacent (at most ${Number.isFinite(calls) ? calls : 'any number of'} tool calls).`,
    body: [
      `calls_left = ${Number.isFinite(calls) ? calls : 1000}`,
      'while calls_left >= 2 and here != goal:',
      '    if goal in adj.get(here, []):',
      '        move(goal)',
      '        here = goal',
      '        calls_left -= 1',
      '        print(json.dumps({"move": here, "ok": True}))',
      '        break',
      '    came_from = {here: None}',
      '    queue = [here]',
      '    target = None',
      '    while queue:',
      '        node = queue.pop(0)',
      '        if node not in adj:',
      '            target = node',
      '            break',
      '        for nxt in adj[node]:',
      '            if nxt not in came_from:',
      '                came_from[nxt] = node',
      '                queue.append(nxt)',
      '    if target is None:',
      '        break',
      '    route = []',
      '    while target != here:',
      '        route.insert(0, target)',
      '        target = came_from[target]',
      '    for step in route[: calls_left - 1]:',
      '        move(step)',
      '        here = step',
      '        calls_left -= 1',
      '        print(json.dumps({"move": here, "ok": True}))',
      '    if here not in adj:',
      '        adj[here] = [n for n in scan().split(",") if n]',
      '        calls_left -= 1',
      '        print(json.dumps({"at": here, "neighbors": adj[here]}))',
      'if here == goal:',
      '    finish()',
      '    print(json.dumps({"finished": True, "at": here}))',
    ].join('\n'),
    uses: ['goal', 'here', 'adj'],
    state,
  };
}
