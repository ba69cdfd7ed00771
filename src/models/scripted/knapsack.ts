// Opaque Knapsack: list the items, inspect an even spread of them within the budget, learn the
// hidden allowed classes from take_item refusals, and fill the knapsack with an exact 0/1 DP over
// what is known, re-planning after every refusal.
import { type ConversationView, callsPerBlock, firstInt } from './conversation.js';
import { PySet, type PyValue, pyLiteral } from './python-literal.js';
import { type PlannedTurn, REBUILD_CALLS } from './turn.js';

/** The first block: list the item ids and set up the variables the later blocks fill. */
export function setupBlock(capacity: number, budget: number): string {
  return [
    `capacity = ${capacity}`,
    `budget = ${budget}`,
    'ids = json.loads(list_items())',
    'info = {}',
    'allowed = set()',
    'forbidden = set()',
    'taken = []',
    'print(json.dumps({"ids": ids}))',
    'print(json.dumps({"n_items": len(ids), "capacity": capacity, "budget": budget}))',
  ].join('\n');
}

/** The block that inspects the items at these positions of `ids`, keeping each result in `info`. */
export function inspectBlock(positions: readonly number[]): string {
  return [
    `for i in ${pyLiteral([...positions])}:`,
    '    item_id = ids[i]',
    '    try:',
    '        stats = json.loads(inspect(item_id))',
    '    except Exception as err:',
    '        print(json.dumps({"inspect": item_id, "error": str(err)}))',
    '        break',
    '    info[item_id] = stats',
    '    print(json.dumps({"inspect": item_id, "stats": stats}))',
    'print(json.dumps({"inspected": len(info), "budget": budget}))',
  ].join('\n');
}

export interface ItemStats {
  class: string;
  value: number;
  weight: number;
}

/** Everything the observations so far say about the episode. */
export interface KnapsackKnowledge {
  capacity: number;
  budget: number;
  ids: string[] | undefined;
  info: Map<string, ItemStats>;
  allowed: Set<string>;
  forbidden: Set<string>;
  taken: string[];
  budgetExhausted: boolean;
  finished: boolean;
}

const REFUSAL = /Item class '([^']*)' not allowed/;

export function readKnapsack(view: ConversationView): KnapsackKnowledge {
  const capacity = firstInt(/capacity\D*(\d+)/i, view.goal);
  const budget = firstInt(/budget\D*(\d+)/i, view.goal);
  const known: KnapsackKnowledge = {
    capacity: capacity ?? 0,
    budget: budget ?? 0,
    ids: undefined,
    info: new Map(),
    allowed: new Set(),
    forbidden: new Set(),
    taken: [],
    budgetExhausted: false,
    finished: false,
  };
  for (const record of view.records) {
    if (Array.isArray(record.ids) && record.ids.every((v) => typeof v === 'string')) known.ids = record.ids;
    if (typeof record.inspect === 'string') {
      const stats = asStats(record.stats);
      if (stats) known.info.set(record.inspect, stats);
      else if (typeof record.error === 'string' && /budget exceeded/i.test(record.error))
        known.budgetExhausted = true;
    }
    if (typeof record.take === 'string') {
      const id = record.take;
      const stats = known.info.get(id);
      if (record.ok === true) {
        if (!known.taken.includes(id)) known.taken.push(id);
        if (stats) known.allowed.add(stats.class);
      } else if (typeof record.error === 'string') {
        const refused = REFUSAL.exec(record.error);
        if (refused) known.forbidden.add(refused[1] as string);
        else if (/already taken/i.test(record.error) && !known.taken.includes(id)) known.taken.push(id);
      }
    }
    if (record.finished === true) known.finished = true;
  }
  return known;
}

function asStats(value: unknown): ItemStats | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.class !== 'string' || typeof v.value !== 'number' || typeof v.weight !== 'number')
    return undefined;
  return { class: v.class, value: v.value, weight: v.weight };
}

/** Indices of an even spread of `count` positions over a list of `n` (all of them when count ≥ n). */
export function evenSpread(n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: Math.max(0, count) }, (_, i) => Math.floor((i * n) / count));
}

/** Exact 0/1 knapsack; ties keep the earlier decision (an item is added only on a strict gain). */
export function bestSubset(
  items: readonly { id: string; value: number; weight: number }[],
  capacity: number,
): string[] {
  const cap = Math.max(0, capacity);
  const n = items.length;
  const dp: number[][] = [new Array(cap + 1).fill(0)];
  for (let i = 1; i <= n; i++) {
    const item = items[i - 1] as { value: number; weight: number };
    const prev = dp[i - 1] as number[];
    const row = prev.slice();
    for (let w = item.weight; w <= cap; w++) {
      const withItem = (prev[w - item.weight] as number) + item.value;
      if (withItem > (row[w] as number)) row[w] = withItem;
    }
    dp.push(row);
  }
  const chosen: string[] = [];
  let w = cap;
  for (let i = n; i >= 1; i--) {
    if ((dp[i] as number[])[w] !== (dp[i - 1] as number[])[w]) {
      const item = items[i - 1] as { id: string; weight: number };
      chosen.push(item.id);
      w -= item.weight;
    }
  }
  return chosen.reverse();
}

function stateOf(k: KnapsackKnowledge): Record<string, PyValue> {
  const info: Record<string, PyValue> = {};
  for (const [id, s] of k.info) info[id] = { class: s.class, value: s.value, weight: s.weight };
  return {
    capacity: k.capacity,
    budget: k.budget,
    ids: k.ids ?? [],
    info,
    allowed: new PySet([...k.allowed].sort()),
    forbidden: new PySet([...k.forbidden].sort()),
    taken: k.taken,
  };
}

export function planKnapsack(view: ConversationView): PlannedTurn {
  const k = readKnapsack(view);
  const state = stateOf(k);
  const rebuildWithTools = { ids: 'json.loads(list_items())' };
  const calls = callsPerBlock(view) - REBUILD_CALLS;

  if (!k.ids) {
    return {
      reasoning: `The capacity is ${k.capacity} and I may inspect ${k.budget} items. First I list the item ids and set up the variables that will hold what I learn.`,
      body: setupBlock(k.capacity, k.budget),
      uses: [],
      state,
      creates: ['capacity', 'budget', 'ids', 'info', 'allowed', 'forbidden', 'taken'],
    };
  }

  const ids = k.ids;
  const targets = evenSpread(ids.length, k.budget).filter((i) => !k.info.has(ids[i] as string));
  const budgetLeft = k.budget - k.info.size;
  if (targets.length > 0 && budgetLeft > 0 && !k.budgetExhausted) {
    const batch = targets.slice(0, Math.max(1, Math.min(calls, budgetLeft)));
    const rest = Math.min(targets.length, budgetLeft) - batch.length;
    return {
      reasoning: `${k.info.size} of ${k.budget} inspections used. I inspect ${batch.length} more items spread evenly over the whole list${rest > 0 ? ` (${rest} left for the next block)` : ''}, keeping each result in \`info\`.`,
      body: inspectBlock(batch),
      uses: ['ids', 'info', 'budget'],
      state,
      rebuildWithTools,
    };
  }

  const used = k.taken.reduce((sum, id) => sum + (k.info.get(id)?.weight ?? 0), 0);
  const candidates = [...k.info]
    .filter(([id, s]) => !k.taken.includes(id) && !k.forbidden.has(s.class))
    .map(([id, s]) => ({ id, ...s }));
  const plan = bestSubset(candidates, k.capacity - used);
  if (plan.length === 0 || k.finished) {
    return {
      reasoning: `Nothing I know of still fits in the remaining capacity (${k.capacity - used} of ${k.capacity}). I report the final selection and finish.`,
      body: [
        'print(json.dumps({"taken": taken, "weight": sum(info[t]["weight"] for t in taken), "value": sum(info[t]["value"] for t in taken)}))',
        'finish()',
        'print(json.dumps({"finished": True}))',
      ].join('\n'),
      uses: ['info', 'taken'],
      state,
    };
  }

  // Unknown classes first, best value per weight first: a refusal then costs no committed capacity.
  const stats = (id: string) => k.info.get(id) as ItemStats;
  const isUnknown = (id: string) => !k.allowed.has(stats(id).class);
  const density = (id: string) => stats(id).value / stats(id).weight;
  const order = [...plan].sort((a, b) => {
    if (isUnknown(a) !== isUnknown(b)) return isUnknown(a) ? -1 : 1;
    return density(b) - density(a) || ids.indexOf(a) - ids.indexOf(b);
  });
  const finishCall = order.length <= calls - 1;
  const attempts = finishCall ? order : order.slice(0, Math.max(1, calls));
  const unknownClasses = [...new Set(attempts.filter(isUnknown).map((id) => stats(id).class))];
  const probeNote =
    unknownClasses.length > 0
      ? ` Classes ${unknownClasses.join(', ')} are untested, so those items go first; a refusal tells me the class is forbidden; I keep testing the other untested classes and re-plan next turn.`
      : ' Every class in the plan is known to be allowed.';
  const body = [
    'used = sum(info[t]["weight"] for t in taken)',
    'print(json.dumps({"capacity": capacity, "used": used, "allowed": sorted(allowed), "forbidden": sorted(forbidden)}))',
    `plan = ${pyLiteral(attempts)}`,
    'print(json.dumps({"plan": plan, "plan_value": sum(info[p]["value"] for p in plan), "plan_weight": sum(info[p]["weight"] for p in plan)}))',
    // After a refusal the plan is stale: keep testing the other untested classes (their items were
    // worth taking under the plan), but leave known-allowed items for the re-plan.
    'refused = False',
    'complete = True',
    'for item_id in plan:',
    '    cls = info[item_id]["class"]',
    '    if cls in forbidden or (refused and cls in allowed):',
    '        complete = False',
    '        continue',
    '    try:',
    '        take_item(item_id)',
    '    except Exception as err:',
    '        print(json.dumps({"take": item_id, "ok": False, "error": str(err)}))',
    '        complete = False',
    '        if "not allowed" in str(err):',
    '            forbidden.add(cls)',
    '            refused = True',
    '            continue',
    '        break',
    '    taken.append(item_id)',
    '    allowed.add(cls)',
    '    print(json.dumps({"take": item_id, "ok": True}))',
  ];
  if (finishCall)
    body.push(
      'if complete:',
      '    finish()',
      '    print(json.dumps({"finished": True, "value": sum(info[t]["value"] for t in taken)}))',
    );
  return {
    reasoning: `Exact 0/1 DP over the ${candidates.length} inspected items not ruled out, with ${k.capacity - used} capacity left, picks ${plan.length} items.${probeNote}`,
    body: body.join('\n'),
    uses: ['capacity', 'info', 'allowed', 'forbidden', 'taken'],
    state,
    rebuildWithTools,
  };
}
