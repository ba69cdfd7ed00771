// Request options per model (llm.extra_body, llm.thinking) and max_context_tokens: validated, sent
// to the endpoint, recorded in run.json and config.yaml.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benchmarkConfigYaml } from '../../src/formats/benchmark-config.js';
import { parseBenchmarkConfig, requestExtraBody, resolveAgent } from '../../src/runner/config.js';
import { runMetadata } from '../../src/runner/run-metadata.js';
import { InputError } from '../../src/util/errors.js';

const config = (llm: string, agentExtra = '') =>
  parseBenchmarkConfig(
    `output_dir: /nonexistent-alr-out\ncache_db_path: c\nagents:\n  - name: a\n    llm: ${llm}\n${agentExtra}`,
    'c.yaml',
  );

describe('request options', () => {
  it('thinking on/off becomes chat_template_kwargs.enable_thinking, beside other extra_body fields', () => {
    // YAML 1.1 reads bare on/off as booleans; quoted they are strings: both mean the same.
    for (const [spelling, expected] of [
      ['on', true],
      ["'off'", false],
    ] as const) {
      const llm = config(
        `{model: m, thinking: ${spelling}, extra_body: {top_k: 20, chat_template_kwargs: {x: 1}}}`,
      ).agents[0].llm;
      assert.deepEqual(requestExtraBody(llm), {
        top_k: 20,
        chat_template_kwargs: { x: 1, enable_thinking: expected },
      });
    }
    assert.equal(requestExtraBody(config('{model: m}').agents[0].llm), undefined);
  });

  it('a thinking switch that contradicts extra_body is an error naming the field', () => {
    assert.throws(
      () => config('{model: m, thinking: on, extra_body: {chat_template_kwargs: {enable_thinking: false}}}'),
      (err: unknown) => err instanceof InputError && err.field === 'agents[0].llm.thinking',
    );
    assert.throws(() => config('{model: m, thinking: maybe}'), /agents\[0\]\.llm\.thinking/);
    assert.throws(() => config('{model: m}', '    max_context_tokens: 0\n'), /max_context_tokens/);
  });

  it('run.json and config.yaml record the options', () => {
    const parsed = config(
      '{model: m, thinking: off, extra_body: {top_k: 20}}',
      '    max_context_tokens: 32768\n',
    );
    const agent = resolveAgent(parsed, parsed.agents[0]);
    assert.equal(agent.maxContextTokens, 32768);
    const meta = runMetadata({ config: parsed, tasksDir: 'tasks', agents: [agent] });
    assert.deepEqual(meta.agents[0].request, {
      extra_body: { top_k: 20, chat_template_kwargs: { enable_thinking: false } },
      thinking: 'off',
    });
    assert.equal(meta.agents[0].max_context_tokens, 32768);
    const yaml = benchmarkConfigYaml(parsed);
    assert.match(yaml, /thinking: 'off'|thinking: off/);
    assert.match(yaml, /top_k: 20/);
    assert.match(yaml, /max_context_tokens: 32768/);
  });
});
