// Runtime specs: the grammar's accepted spellings, canonical printing and its errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { restartDraw, restartsBefore } from '../../src/runtime/restart-draw.js';
import {
  formatRuntimeSpec,
  isPlainRuntime,
  keeps,
  normalizeRuntime,
  parseRuntimeSpec,
  runtimeBase,
} from '../../src/runtime/spec.js';

test('plain bases parse to plain specs and print unchanged', () => {
  for (const base of ['persistent', 'stateless']) {
    const spec = parseRuntimeSpec(base);
    assert.equal(spec.base, base);
    assert.ok(isPlainRuntime(spec));
    assert.equal(formatRuntimeSpec(spec), base);
  }
});

test('keys combine and print in a fixed order', () => {
  const spec = parseRuntimeSpec('persistent:restart=0.1,ttl=3');
  assert.equal(spec.ttl, 3);
  assert.equal(spec.restart, 0.1);
  assert.equal(spec.seed, 0);
  assert.equal(formatRuntimeSpec(spec), 'persistent:ttl=3,restart=0.1');
  assert.equal(normalizeRuntime('persistent:seed=7,restart=.5'), 'persistent:restart=0.5,seed=7');
  assert.equal(normalizeRuntime('stateless+summary'), 'stateless+summary');
  assert.equal(normalizeRuntime('persistent+summary:keep=data'), 'persistent+summary:keep=data');
  assert.ok(!isPlainRuntime(parseRuntimeSpec('stateless+summary')));
});

test('a keep regex may contain commas and slashes', () => {
  const spec = parseRuntimeSpec('persistent:keep=/^(a|b{1,2})/x$/,ttl=2');
  assert.deepEqual(spec.keep, { kind: 'regex', pattern: '^(a|b{1,2})/x$' });
  assert.equal(spec.ttl, 2);
  assert.equal(formatRuntimeSpec(spec), 'persistent:ttl=2,keep=/^(a|b{1,2})/x$/');
  assert.ok(keeps({ kind: 'regex', pattern: '^best' }, 'best_value', 'data'));
  assert.ok(!keeps({ kind: 'regex', pattern: '^best' }, 'value', 'function'));
  assert.ok(keeps({ kind: 'functions' }, 'C', 'class'));
  assert.ok(!keeps({ kind: 'functions' }, 'math', 'module'));
  assert.ok(keeps({ kind: 'data' }, 'math', 'module'));
});

test('bad specs are rejected with the grammar in the message', () => {
  const bad: Array<[string, RegExp]> = [
    ['persistant', /unknown base 'persistant'/],
    ['persistent:', /nothing after ":"/],
    ['persistent:ttl=0', /ttl must be a positive integer/],
    ['persistent:ttl=2,ttl=3', /ttl given twice/],
    ['persistent:restart=1.5', /probability/],
    ['persistent:restart=abc', /probability/],
    ['persistent:keep=everything', /keep must be functions, data or \/REGEX\//],
    ['persistent:keep=/(/', /does not compile/],
    ['persistent:seed=3', /seed is only used with restart/],
    ['persistent:colour=red', /unknown key 'colour'/],
    ['persistent+memo', /unknown modifier/],
    ['stateless:ttl=2', /need the persistent base/],
    ['persistent:ttl=2,', /trailing comma|expected key=value/],
  ];
  for (const [text, reason] of bad) {
    assert.throws(
      () => parseRuntimeSpec(text, 'config.yaml', 'agents.0.runtime'),
      (err: Error) =>
        reason.test(err.message) &&
        err.message.includes('Grammar: BASE[+summary]') &&
        err.message.startsWith('config.yaml'),
      text,
    );
  }
  assert.equal(runtimeBase('nonsense'), null);
  assert.equal(runtimeBase('persistent:ttl=2'), 'persistent');
});

test('restart draws are reproducible, depend on seed and task, and never hit the first step', () => {
  assert.equal(restartDraw(0, 'task-a', 3), restartDraw(0, 'task-a', 3));
  assert.notEqual(restartDraw(0, 'task-a', 3), restartDraw(1, 'task-a', 3));
  assert.notEqual(restartDraw(0, 'task-a', 3), restartDraw(0, 'task-b', 3));
  assert.equal(restartsBefore(1, 0, 'task-a', 1), false);
  assert.equal(restartsBefore(1, 0, 'task-a', 2), true);
  assert.equal(restartsBefore(0, 0, 'task-a', 2), false);
  // The draws are uniform enough that P is the restart rate.
  let hits = 0;
  for (let step = 2; step < 4002; step++) if (restartsBefore(0.2, 5, 'task-x', step)) hits++;
  assert.ok(hits > 700 && hits < 900, `${hits} restarts in 4000 draws at P=0.2`);
});
