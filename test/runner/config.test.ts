import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { benchmarkConfigYaml, pyPathString } from '../../src/formats/benchmark-config.js';
import {
  applyOverrides,
  loadBenchmarkConfig,
  parseBenchmarkConfig,
  resolveAgent,
} from '../../src/runner/config.js';
import { InputError } from '../../src/util/errors.js';
import { testData } from '../helpers/paths.js';

const dir = join(testData, 'runner');
const exampleConfigs = readdirSync(dir).filter(
  (f) => f.endsWith('.yaml') && !f.endsWith('.expected.yaml') && !f.startsWith('react_'),
);

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an InputError');
}

describe('benchmark config', () => {
  it('accepts every reference example config unchanged', () => {
    assert.ok(exampleConfigs.length >= 6);
    for (const file of exampleConfigs) {
      const config = loadBenchmarkConfig(join(dir, file));
      assert.equal(config.agents.length, 1, file);
      assert.deepEqual(config.task_families, ['knapsack'], file);
    }
  });

  it('fills in the reference defaults', () => {
    const config = loadBenchmarkConfig(join(dir, 'generate_traces.persistent.yaml'));
    assert.equal(config.max_concurrent_runs, 4);
    const [agent] = config.agents;
    assert.equal(agent.persistent_state, true);
    assert.equal(agent.max_turns, 40);
    assert.equal(agent.llm.temperature, null);
    assert.equal(agent.llm.max_tokens, null);
    assert.equal(agent.llm.timeout_s, 60);
    assert.equal(agent.llm.max_retries, 6);
    assert.equal(agent.llm.backoff_base_s, 0.5);
    assert.equal(agent.llm.jitter_s, 0.2);
    const minimal = parseBenchmarkConfig(
      'output_dir: o\ncache_db_path: c\nagents:\n  - name: a\n    llm: {}\n',
      'm.yaml',
    );
    assert.equal(minimal.run_name, 'codeact');
    assert.equal(minimal.seed_start, 0);
    assert.equal(minimal.task_families, null);
    assert.equal(minimal.agents[0].max_turns, 12);
    assert.equal(minimal.agents[0].timeout_s, 300);
    assert.equal(minimal.agents[0].max_tool_calls, null);
    assert.equal(minimal.agents[0].llm.model, 'gpt-4o-mini');
    assert.equal(resolveAgent(minimal, minimal.agents[0]).runtime, 'persistent');
  });

  it('writes config.yaml as PyYAML dumps the validated reference config', () => {
    for (const file of exampleConfigs) {
      const config = loadBenchmarkConfig(join(dir, file));
      const expected = readFileSync(join(dir, file.replace('.yaml', '.expected.yaml')), 'utf8');
      assert.equal(benchmarkConfigYaml(config), expected, file);
    }
  });

  it('rejects agent_type react with a clear message', () => {
    const err = inputError(() => loadBenchmarkConfig(join(dir, 'react_easy_base.yaml')));
    assert.match(err.message, /react_easy_base\.yaml/);
    assert.equal(err.field, 'agents[0].agent_type');
    assert.match(err.message, /not supported/);
  });

  it('names the file and the field path of a bad value', () => {
    const base = 'output_dir: o\ncache_db_path: c\n';
    const cases: Array<[string, string]> = [
      [`${base}agents:\n  - name: a\n    llm: {timeout_s: 0}\n`, 'agents[0].llm.timeout_s'],
      [
        `${base}agents:\n  - name: a\n    llm: {backoff_base_s: 5, backoff_max_s: 1}\n`,
        'agents[0].llm.backoff_max_s',
      ],
      [`${base}agents:\n  - name: a\n    max_turns: 0\n    llm: {}\n`, 'agents[0].max_turns'],
      [`${base}agents:\n  - name: a\n`, 'agents[0].llm'],
      [`${base}max_concurrent_runs: 0\nagents: []\n`, 'max_concurrent_runs'],
      [`${base}task_families: []\nagents: []\n`, 'task_families'],
      [`${base}task_families: [knapsack, chess]\nagents: []\n`, 'task_families'],
      ['cache_db_path: c\nagents: []\n', 'output_dir'],
      [`${base}agents:\n  - {name: a, llm: {}}\n  - {name: a, llm: {}}\n`, 'agents[1].name'],
    ];
    for (const [text, field] of cases) {
      const err = inputError(() => parseBenchmarkConfig(text, 'bad.yaml'));
      assert.equal(err.field, field, text);
      assert.match(err.message, /^bad\.yaml: field /);
    }
    assert.match(
      inputError(() => parseBenchmarkConfig(`${base}task_families: [chess]\nagents: []\n`, 'b.yaml')).message,
      /Invalid: chess/,
    );
    assert.match(inputError(() => parseBenchmarkConfig('- a\n', 'l.yaml')).message, /must be a YAML mapping/);
    assert.match(inputError(() => loadBenchmarkConfig(join(dir, 'missing.yaml'))).message, /missing\.yaml/);
  });

  it('reads YAML 1.1 booleans as PyYAML does', () => {
    const config = parseBenchmarkConfig(
      'output_dir: o\ncache_db_path: c\nagents:\n  - name: a\n    persistent_state: no\n    llm: {}\n',
      'y.yaml',
    );
    assert.equal(config.agents[0].persistent_state, false);
  });

  it('applies command-line overrides to every agent', () => {
    const config = loadBenchmarkConfig(join(dir, 'easy_base.yaml'));
    const two = { ...config, agents: [config.agents[0], { ...config.agents[0], name: 'second' }] };
    const out = applyOverrides(two, {
      outputDir: 'elsewhere',
      model: 'scripted-stateless',
      runtime: 'stateless',
      concurrency: 3,
      backend: 'cpython',
    });
    assert.equal(out.output_dir, 'elsewhere');
    assert.equal(out.max_concurrent_runs, 3);
    for (const agent of out.agents) {
      assert.equal(agent.llm.model, 'scripted-stateless');
      assert.equal(agent.persistent_state, false);
      assert.equal(resolveAgent(out, agent).backend, 'cpython');
      assert.equal(agent.llm.temperature, 0.2, 'untouched fields stay');
    }
    assert.equal(two.agents[0].llm.model, 'openai/qwen3-8b', 'the input config is not mutated');
  });

  it('normalizes paths as pathlib does', () => {
    assert.equal(pyPathString('./cache/x.sqlite'), 'cache/x.sqlite');
    assert.equal(pyPathString('a//b/./c/'), 'a/b/c');
    assert.equal(pyPathString('./'), '.');
    assert.equal(pyPathString('/abs/../x/'), '/abs/../x');
  });
});
