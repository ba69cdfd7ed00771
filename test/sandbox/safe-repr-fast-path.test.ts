// The globals listing renders values made only of plain builtin types with repr() itself (a fast
// path) and everything else with its own renderer. The two must agree exactly: same text, same
// share of the listing's budget used. Checked by running safe_repr.py in python3 on thousands of
// random values, once as shipped and once with the fast path switched off.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { repoRoot } from '../helpers/paths.js';
import { requireSystemDep } from '../helpers/system-deps.js';

const SAFE_REPR = join(repoRoot, 'src', 'sandbox', 'python', 'safe_repr.py');

const SCRIPT = `
import random, sys
source = open(sys.argv[1]).read()
fast, slow = {}, {}
exec(compile(source, "safe_repr.py", "exec"), fast)
exec(compile(source, "safe_repr.py", "exec"), slow)
slow["_plain_cost"] = lambda value, limit: None  # the general renderer only
rng = random.Random(int(sys.argv[2]))

def scalar():
    kind = rng.randrange(9)
    if kind == 0: return rng.randrange(-10**6, 10**6)
    if kind == 1: return rng.getrandbits(rng.choice([64, 1990, 2001, 5000]))
    if kind == 2: return rng.choice([0.1, -2.5e-300, 1e300, float("inf"), float("nan"), 3.0])
    if kind == 3: return rng.choice([True, False, None])
    if kind == 4: return "".join(rng.choice("ab'\\"\\\\\\n\\x00\\u00e9\\U0001f600") for _ in range(rng.randrange(12)))
    if kind == 5: return "x" * rng.choice([0, 1999, 2000, 2001, 9000])
    if kind == 6: return b"by'tes"  # not a fast-path type
    if kind == 7: return 1 + 2j
    return object()

def hashable(k):
    try:
        hash(k)
        return k == k
    except TypeError:
        return False

def value(depth):
    if depth > 3 or rng.random() < 0.3:
        return scalar()
    kind = rng.randrange(6)
    size = rng.randrange(rng.choice([3, 40, 400]) if depth == 0 else 6)
    items = [value(depth + 1) for _ in range(size)]
    if kind == 0: return items
    if kind == 1: return tuple(items)
    keys = [k for k in items if hashable(k)]
    if kind == 2: return {k: value(depth + 1) for k in keys}
    if kind == 3: return set(keys)
    if kind == 4: return frozenset(keys)
    shared = [1, 2]
    return [shared, shared]  # a container reached twice

def nested(levels):
    out = inner = []
    for _ in range(levels):
        inner.append([])
        inner = inner[0]
    return out

cycle = [1]
cycle.append(cycle)
values = [value(0) for _ in range(int(sys.argv[3]))] + [nested(99), nested(100), nested(150), cycle]
checked = 0
for v in values:
    for limit in (5, 60, 2000):
        for units in (50, 3000, 200000):
            a, b = fast["Budget"](units), slow["Budget"](units)
            text_a = fast["bounded_repr"](v, limit, a)
            text_b = slow["bounded_repr"](v, limit, b)
            if text_a != text_b or a.units != b.units:
                print("MISMATCH", limit, units, repr(text_a)[:200], repr(text_b)[:200], a.units, b.units)
                sys.exit(1)
            checked += 1
print("checked", checked)
`;

test('the fast path of the globals listing gives what the general renderer gives', (t) => {
  if (!requireSystemDep(t, 'python3', cpythonAvailable())) return;
  for (const seed of [1, 2, 3]) {
    const out = execFileSync('python3', ['-I', '-c', SCRIPT, SAFE_REPR, String(seed), '300'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.match(out, /^checked \d+\n$/, out);
  }
});

test('plain values take the fast path, exactly as repr() renders them', (t) => {
  if (!requireSystemDep(t, 'python3', cpythonAvailable())) return;
  const script = `
import sys
ns = {}
exec(compile(open(sys.argv[1]).read(), "safe_repr.py", "exec"), ns)
info = {"item_%d" % i: {"class": "ABC"[i % 3], "value": i * 1.5, "weight": i} for i in range(12)}
value = {"ids": ["item_%d" % i for i in range(30)], "info": info, "allowed": {"A"}, "t": (1,), "n": None}
assert ns["_plain_cost"](value, 2000) is not None
assert ns["bounded_repr"](value, 2000, ns["Budget"](200000)) == repr(value)
class Sub(list): pass
assert ns["_plain_cost"]([Sub()], 2000) is None
assert ns["_plain_cost"]("x" * 2001, 2000) is None
print("ok")
`;
  const out = execFileSync('python3', ['-I', '-c', script, SAFE_REPR], { encoding: 'utf8' });
  assert.equal(out, 'ok\n');
});
