import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pyJsonDumps } from '../../src/python/json.js';
import { dumpSettings, loadSettings, parseSettings } from '../../src/tasks/index.js';
import { InputError } from '../../src/util/errors.js';
import { tempDir } from './helpers.js';

test('defaults are filled exactly and unknown keys are ignored', () => {
  const s = parseSettings({
    llm: { enabled: false },
    surprise: 1,
    knapsack: { num_tasks: 3, classes: ['A', 'B'] },
  });
  assert.equal(s.run_name, 'run');
  assert.equal(s.max_workers, 16);
  assert.equal(s.cache_db_path, 'cache/llm_cache.sqlite');
  assert.equal(s.knapsack.num_tasks, 3);
  assert.deepEqual(s.knapsack.n_items_range, [10, 30]);
  assert.equal(s.knapsack.num_allowed_classes, 10);
  assert.deepEqual(s.navigation.extra_edge_factor_range, [0.1, 0.35]);
  assert.deepEqual(s.rule_diagnosis.mod_m_choices, [5, 7, 11, 13, 17, 19]);
  assert.ok(!('enabled' in s.llm));
  assert.ok(!('surprise' in s));
});

test('the settings dump prints float fields as Python floats', () => {
  const dump = pyJsonDumps(dumpSettings(parseSettings({ navigation: { max_steps_multiplier: 3 } })), {
    sortKeys: true,
  });
  assert.match(dump, /"timeout_s": 60\.0/);
  assert.match(dump, /"backoff_max_s": 30\.0/);
  assert.match(dump, /"max_steps_multiplier": 3\.0/);
  assert.match(dump, /"capacity_ratio_range": \[0\.35, 0\.6\]/);
  assert.match(dump, /"temperature": null/);
  assert.match(dump, /"num_tasks": 100/);
});

function rejects(json: unknown, field: string, pattern: RegExp): void {
  assert.throws(
    () => parseSettings(json, 'cfg.json'),
    (err: unknown) => err instanceof InputError && err.field === field && pattern.test(err.message),
  );
}

test('wrong types and failed validators name the field path', () => {
  rejects({ knapsack: { n_items_range: [1, 'x'] } }, 'knapsack.n_items_range[1]', /expected number/);
  rejects({ knapsack: { n_items_range: [1] } }, 'knapsack.n_items_range', /./);
  rejects({ knapsack: { n_items_range: [5, 2] } }, 'knapsack.n_items_range', /lo>0, hi>=lo/);
  rejects({ knapsack: { weight_range: [0, 2] } }, 'knapsack.weight_range', /lo>0/);
  rejects({ knapsack: { capacity_ratio_range: [0.5, 1.5] } }, 'knapsack.capacity_ratio_range', /\(0,1\]/);
  rejects({ knapsack: { classes: [] } }, 'knapsack.classes', /non-empty/);
  rejects({ navigation: { extra_nodes_range: [-1, 2] } }, 'navigation.extra_nodes_range', /lo>=0/);
  rejects({ rule_diagnosis: { families: ['cubic'] } }, 'rule_diagnosis.families[0]', /./);
  rejects({ rule_diagnosis: { probe_budget_range: [0, 3] } }, 'rule_diagnosis.probe_budget_range', /lo>0/);
  rejects({ max_workers: 0 }, 'max_workers', /./);
  rejects({ seed_start: '5' }, 'seed_start', /expected number/);
  rejects({ llm: { backoff_base_s: 5, backoff_max_s: 1 } }, 'llm.backoff_max_s', />= backoff_base_s/);
});

test('loadSettings reports unreadable and non-JSON configs with the file name', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'c.json');
  writeFileSync(path, '{');
  assert.throws(
    () => loadSettings(path),
    (err: unknown) => err instanceof InputError && err.file === path,
  );
  assert.throws(() => loadSettings(join(dir, 'none.json')), /none\.json: cannot read \(ENOENT\)/);
});
