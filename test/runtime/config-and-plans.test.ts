// Runtime specs where configs and plans name a runtime: the config's `runtime:` key, the
// `--runtime` override, plans' `runtimes:` lists and the built-in semantics plan.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionName, parsePlan } from '../../src/experiment/plan.js';
import { semanticsPlan } from '../../src/experiment/semantics-plan.js';
import { benchmarkConfigYaml } from '../../src/formats/benchmark-config.js';
import { applyOverrides, parseBenchmarkConfig, resolveAgent } from '../../src/runner/config.js';
import { runtimeSlug } from '../../src/runtime/spec.js';

const config = (agentExtra: string) =>
  [
    'output_dir: out',
    'cache_db_path: cache.sqlite',
    'agents:',
    '  - name: a',
    '    llm: {model: scripted-persistent}',
    agentExtra,
    '',
  ].join('\n');

test('the config runtime key takes a spec, sets persistent_state from its base and is snapshotted', () => {
  const parsed = parseBenchmarkConfig(config('    runtime: "stateless+summary"'), 'c.yaml');
  const agent = parsed.agents[0];
  assert.equal(agent?.persistent_state, false);
  const resolved = resolveAgent(parsed, agent as NonNullable<typeof agent>);
  assert.equal(resolved.runtime, 'stateless+summary');
  assert.match(benchmarkConfigYaml(parsed), /runtime: stateless\+summary/);
  const spelled = parseBenchmarkConfig(config('    runtime: "persistent:restart=0.10,ttl=3"'), 'c.yaml');
  assert.equal(spelled.agents[0]?.runtime, 'persistent:ttl=3,restart=0.1');
});

test('without the runtime key persistent_state decides, as before', () => {
  const parsed = parseBenchmarkConfig(config('    persistent_state: false'), 'c.yaml');
  const agent = parsed.agents[0] as NonNullable<(typeof parsed.agents)[0]>;
  assert.equal(resolveAgent(parsed, agent).runtime, 'stateless');
  assert.equal(agent.runtime, undefined);
  assert.doesNotMatch(benchmarkConfigYaml(parsed), /runtime:/);
});

test('a bad runtime in a config names the file and field and shows the grammar', () => {
  assert.throws(
    () => parseBenchmarkConfig(config('    runtime: "persistent:keep=some"'), 'c.yaml'),
    (err: Error) =>
      /c\.yaml/.test(err.message) && /runtime/.test(err.message) && /Grammar:/.test(err.message),
  );
});

test('--runtime overrides every agent with a spec', () => {
  const parsed = parseBenchmarkConfig(config(''), 'c.yaml');
  const over = applyOverrides(parsed, { runtime: 'persistent:ttl=2' });
  const agent = over.agents[0] as NonNullable<(typeof over.agents)[0]>;
  assert.equal(resolveAgent(over, agent).runtime, 'persistent:ttl=2');
  assert.equal(agent.persistent_state, true);
});

test('plans take any list of runtime specs, canonical and without repeats', () => {
  const plan = (runtimes: string) =>
    parsePlan(
      [
        'task_sets: {t: {dir: tasks}}',
        'models: {m: {model: scripted-persistent}}',
        'stages:',
        `  - {name: eval, kind: run, task_sets: [t], models: [m], runtimes: ${runtimes}}`,
      ].join('\n'),
      'p.yaml',
    );
  const stage = plan('["persistent:restart=.2", stateless+summary]').stages[0];
  assert.deepEqual(stage?.kind === 'run' && stage.runtimes, ['persistent:restart=0.2', 'stateless+summary']);
  assert.throws(() => plan('[persistent, "persistent"]'), /listed twice/);
  assert.throws(() => plan('["stateless:ttl=1"]'), /p\.yaml.*need the persistent base/s);
});

test('the built-in semantics plan covers the six runtimes with both scripted policies', () => {
  const plan = semanticsPlan();
  const run = plan.stages.find((s) => s.kind === 'run');
  assert.ok(run && run.kind === 'run');
  assert.deepEqual(run.runtimes, [
    'persistent',
    'stateless',
    'stateless+summary',
    'persistent:ttl=2',
    'persistent:keep=functions',
    'persistent:restart=0.2',
  ]);
  assert.deepEqual(run.models, ['scripted-persistent', 'scripted-stateless']);
  assert.ok(plan.stages.some((s) => s.kind === 'report'));
});

test('condition folder names keep plain and common specs readable and escape the rest', () => {
  assert.equal(conditionName('m', 'persistent', 'easy'), 'm_persistent_easy');
  assert.equal(conditionName('m', 'persistent:ttl=2', 'easy'), 'm_persistent:ttl=2_easy');
  assert.equal(runtimeSlug('persistent:keep=/^a_b/'), 'persistent:keep=%2F%5Ea%5Fb%2F');
  assert.equal(decodeURIComponent(runtimeSlug('persistent:keep=/^a_b/')), 'persistent:keep=/^a_b/');
});
