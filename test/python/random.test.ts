import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { floatRepr } from '../../src/python/float-repr.js';
import { PyRandom } from '../../src/python/random.js';
import { testData } from '../helpers/paths.js';

interface Op {
  op: string;
  args: unknown[];
  result: unknown;
}
const parity = JSON.parse(readFileSync(join(testData, 'python', 'parity.json'), 'utf8')) as {
  seeds: Array<{ seed: string; ops: Op[] }>;
  long_stream: Array<[string, number[], unknown]>;
};

function apply(rng: PyRandom, op: string, args: unknown[]): unknown {
  switch (op) {
    case 'getrandbits':
      return rng.getrandbits(args[0] as number).toString();
    case 'randbelow':
      return rng.randbelow(args[0] as number);
    case 'randint':
      return rng.randint(args[0] as number, args[1] as number);
    case 'randrange':
      return rng.randrange(...(args as [number, number?, number?]));
    case 'random':
      return floatRepr(rng.random());
    case 'uniform':
      return floatRepr(rng.uniform(args[0] as number, args[1] as number));
    case 'choice':
      return rng.choice(args[0] as unknown[]);
    case 'shuffle': {
      const x = Array.from({ length: args[0] as number }, (_, i) => i);
      rng.shuffle(x);
      return x;
    }
    case 'sample':
      return rng.sample(args[0] as unknown[], args[1] as number);
    default:
      throw new Error(`unknown op ${op}`);
  }
}

for (const { seed, ops } of parity.seeds) {
  test(`PyRandom(${seed}) reproduces CPython's draws (${ops.length} operations)`, () => {
    const rng = new PyRandom(BigInt(seed));
    ops.forEach(({ op, args, result }, index) => {
      assert.deepEqual(apply(rng, op, args), result, `operation ${index}: ${op}(${JSON.stringify(args)})`);
    });
  });
}

test('a long mixed stream of 3,000 draws matches CPython', () => {
  const rng = new PyRandom(2732704872);
  parity.long_stream.forEach(([op, args, result], index) => {
    assert.deepEqual(apply(rng, op, args), result, `draw ${index}`);
  });
});

test('number and bigint seeds are the same seed, and the sign is ignored', () => {
  const a = new PyRandom(4374618785);
  const b = new PyRandom(4374618785n);
  const c = new PyRandom(-4374618785);
  const drawsA = [a.random(), a.randint(1, 1000)];
  assert.deepEqual([b.random(), b.randint(1, 1000)], drawsA);
  assert.deepEqual([c.random(), c.randint(1, 1000)], drawsA);
});

test('errors match Python for empty ranges and oversized samples', () => {
  const rng = new PyRandom(0);
  assert.throws(() => rng.choice([]), /Cannot choose from an empty sequence/);
  assert.throws(() => rng.sample([1, 2], 3), /Sample larger than population or is negative/);
  assert.throws(() => rng.randrange(5, 5), /empty range/);
  assert.throws(() => new PyRandom(1.5), /integer/);
});

test('fillRandbelow makes the draws and leaves the state that as many randbelow calls do', () => {
  for (const n of [1, 2, 7, 100, 1000, 2 ** 31 - 1]) {
    const one = new PyRandom(20261206 + n);
    const bulk = new PyRandom(20261206 + n);
    const expected = Int32Array.from({ length: 1500 }, () => one.randbelow(n));
    const out = new Int32Array(1500);
    bulk.fillRandbelow(out, n);
    assert.deepEqual(out, expected, `n = ${n}`);
    assert.equal(bulk.random(), one.random(), `state after n = ${n}`);
  }
  assert.throws(() => new PyRandom(0).fillRandbelow(new Int32Array(1), 0), /fillRandbelow/);
});
