import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { benchmarkConfigSchema } from '../../src/runner/config.js';
import { validateAxolotlConfig, validateTrlConfig } from '../../src/training/config-validation.js';
import { exportTraining } from '../../src/training/export.js';
import { checkServedNames, vllmServeArgs } from '../../src/training/serving.js';
import { writeServeConfig, writeTrainConfig } from '../../src/training/train-config.js';
import { trainingSetStats } from '../../src/training/training-stats.js';
import { buildRun, persistentEpisode } from './build-run.js';

function exportRun(format: 'messages' | 'sharegpt' = 'messages'): { runDir: string; out: string } {
  const runDir = buildRun([
    persistentEpisode('knapsack-0000000001'),
    persistentEpisode('knapsack-0000000002'),
  ]);
  const out = join(runDir, '..', 'export', 'train.jsonl');
  exportTraining({ runDirs: [runDir], out, format });
  return { runDir, out };
}

test('the Axolotl config carries the paper hyperparameters and validates against the export', () => {
  const { runDir, out } = exportRun();
  const dir = join(runDir, '..', 'axolotl');
  const outcome = writeTrainConfig({ exportPath: out, outDir: dir });
  assert.ok(outcome.validation.ok, outcome.validation.problems.join('\n'));
  assert.equal(outcome.validation.examples, 2);
  const config = YAML.parse(readFileSync(join(dir, 'axolotl.yaml'), 'utf8'));
  assert.equal(config.base_model, 'Qwen/Qwen3-8B');
  assert.equal(config.adapter, 'qlora');
  assert.equal(config.load_in_4bit, true);
  assert.deepEqual(config.bnb_config_kwargs, { bnb_4bit_quant_type: 'nf4', bnb_4bit_use_double_quant: true });
  assert.equal(config.lora_r, 64);
  assert.equal(config.lora_alpha, 128);
  assert.equal(config.lora_dropout, 0.05);
  assert.equal(config.sequence_len, 16384);
  assert.equal(config.learning_rate, 1e-4);
  assert.equal(typeof config.learning_rate, 'number');
  assert.equal(config.lr_scheduler, 'cosine');
  assert.equal(config.num_epochs, 3);
  assert.equal(config.micro_batch_size * config.gradient_accumulation_steps, 16);
  assert.equal(config.chat_template, 'tokenizer_default');
  const [ds] = config.datasets;
  assert.equal(ds.type, 'chat_template');
  assert.equal(ds.field_messages, 'messages');
  assert.deepEqual(ds.message_property_mappings, { role: 'role', content: 'content' });
  assert.deepEqual(ds.roles_to_train, ['assistant']);
  assert.equal(ds.message_field_role, undefined);
  assert.equal(readFileSync(join(dir, ds.path), 'utf8'), readFileSync(out, 'utf8'));
});

test('validation catches a wrong field, a deprecated key and examples longer than the sequence', () => {
  const { runDir, out } = exportRun('sharegpt');
  const dir = join(runDir, '..', 'axolotl-sg');
  writeTrainConfig({ exportPath: out, outDir: dir });
  const config = YAML.parse(readFileSync(join(dir, 'axolotl.yaml'), 'utf8'));
  assert.equal(config.datasets[0].field_messages, 'conversations');
  assert.ok(validateAxolotlConfig(config, dir).ok);
  const wrongField = structuredClone(config);
  wrongField.datasets[0].field_messages = 'messages';
  assert.match(validateAxolotlConfig(wrongField, dir).problems.join('\n'), /no 'messages' list/);
  const deprecated = structuredClone(config);
  deprecated.datasets[0].message_field_role = 'from';
  assert.ok(!validateAxolotlConfig(deprecated, dir).ok);
  const short = { ...config, sequence_len: 64 };
  assert.match(validateAxolotlConfig(short, dir).problems.join('\n'), /Qwen3 tokens > 64/);
  const textRate = { ...config, learning_rate: '1e-4' };
  assert.match(validateAxolotlConfig(textRate, dir).problems.join('\n'), /learning_rate/);
});

test('the TRL settings and script match the paper setup', () => {
  const { runDir, out } = exportRun();
  const dir = join(runDir, '..', 'trl');
  const outcome = writeTrainConfig({ exportPath: out, outDir: dir, engine: 'trl' });
  assert.ok(outcome.validation.ok, outcome.validation.problems.join('\n'));
  const config = YAML.parse(readFileSync(join(dir, 'trl_config.yaml'), 'utf8'));
  assert.equal(config.sft.max_length, 16384);
  assert.equal(config.sft.learning_rate, 1e-4);
  assert.equal(config.sft.lr_scheduler_type, 'cosine');
  assert.equal(config.sft.warmup_ratio, 0.03);
  assert.equal(config.sft.num_train_epochs, 3);
  assert.equal(config.sft.per_device_train_batch_size, 1);
  assert.equal(config.sft.gradient_accumulation_steps, 16);
  assert.equal(config.sft.seed, 3407);
  assert.deepEqual(config.quantization, {
    load_in_4bit: true,
    bnb_4bit_quant_type: 'nf4',
    bnb_4bit_use_double_quant: true,
    bnb_4bit_compute_dtype: 'bfloat16',
  });
  assert.equal(config.lora.r, 64);
  assert.equal(config.lora.lora_alpha, 128);
  const script = readFileSync(join(dir, 'train_trl.py'), 'utf8');
  assert.match(script, /SFTTrainer\(/);
  assert.match(script, /LoraConfig\(\*\*cfg\["lora"\]\)/);
  assert.match(script, /BitsAndBytesConfig/);
  const broken = structuredClone(config);
  broken.sft.max_seq_length = 16384;
  assert.match(validateTrlConfig(broken, dir).problems.join('\n'), /max_seq_length/);
});

test('vLLM serving uses distinct names for the base model and each adapter, thinking off', () => {
  const args = vllmServeArgs({
    adapters: [
      { name: 'qwen3-8b-persistent-lora', path: 'a' },
      { name: 'qwen3-8b-stateless-lora', path: 'b' },
    ],
  });
  const at = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(at('--served-model-name'), 'qwen3-8b');
  assert.equal(at('--max-lora-rank'), '64');
  assert.equal(at('--default-chat-template-kwargs'), '{"enable_thinking": false}');
  assert.ok(args.includes('--enable-lora'));
  assert.deepEqual(args.slice(args.indexOf('--lora-modules') + 1), [
    'qwen3-8b-persistent-lora=a',
    'qwen3-8b-stateless-lora=b',
  ]);
  assert.throws(
    () => checkServedNames('qwen3-8b', [{ name: 'qwen3-8b', path: 'x' }]),
    /equals the base model/,
  );
  assert.throws(
    () =>
      checkServedNames('qwen3-8b', [
        { name: 'a', path: 'x' },
        { name: 'a', path: 'y' },
      ]),
    /used twice/,
  );
});

test('serve-config writes one valid benchmark config per model × runtime', () => {
  const { runDir } = exportRun();
  const dir = join(runDir, '..', 'serve');
  const outcome = writeServeConfig({
    outDir: dir,
    adapters: [
      { name: 'p-lora', path: 'out/p', trainedOn: 'persistent' },
      { name: 's-lora', path: 'out/s', trainedOn: 'stateless' },
    ],
    outputDir: 'runs/eval',
  });
  assert.equal(outcome.conditions.length, 6);
  const seen = new Set<string>();
  for (const id of outcome.conditions) {
    const config = benchmarkConfigSchema.parse(
      YAML.parse(readFileSync(join(dir, 'benchmarks', `${id}.yaml`), 'utf8')),
    );
    const [agent] = config.agents;
    assert.ok(agent);
    seen.add(`${agent.llm.model}|${agent.persistent_state}`);
    assert.equal(agent.llm.base_url, 'http://127.0.0.1:8000/v1');
  }
  assert.equal(seen.size, 6);
  assert.match(readFileSync(join(dir, 'serve.sh'), 'utf8'), /--lora-modules p-lora=out\/p s-lora=out\/s/);
});

test('Table 1 statistics of a run and of an export', () => {
  const runDir = buildRun([
    persistentEpisode('knapsack-0000000001', {
      solved: true,
      score: 1,
      weightUsed: 10,
      capacity: 10,
      inspected: 6,
      totalTokens: 300,
    }),
    persistentEpisode('knapsack-0000000002', {
      solved: false,
      score: 0.5,
      weightUsed: 5,
      capacity: 10,
      inspected: 2,
      totalTokens: 100,
    }),
  ]);
  const stats = trainingSetStats([runDir]);
  assert.equal(stats.episodes, 2);
  assert.equal(stats.successRate, 50);
  assert.equal(stats.meanOptimality, 0.75);
  assert.equal(stats.capacityUtilization, 75);
  assert.equal(stats.itemsInspected, 4);
  assert.equal(stats.steps, 3);
  // list_items( + inspect( + finish( in the code of each episode.
  assert.equal(stats.toolCalls, 3);
  assert.equal(stats.tokens, 200);
  const out = join(runDir, '..', 'stats.jsonl');
  exportTraining({ runDirs: [runDir], out, dedup: false });
  const chat = trainingSetStats([out]);
  assert.equal(chat.source, 'chat-jsonl');
  assert.equal(chat.episodes, 2);
  assert.equal(chat.steps, 3);
  assert.ok((chat.tokens ?? 0) > 0);
  // A released file with one trace object per line.
  const lines = readFileSync(
    join(runDir, 'results', 'teacher-persistent', 'knapsack', 'knapsack-knapsack-0000000001.trace.json'),
    'utf8',
  );
  const jsonl = join(runDir, '..', 'released.jsonl');
  writeFileSync(jsonl, `${JSON.stringify(JSON.parse(lines))}\n`);
  const released = trainingSetStats([jsonl]);
  assert.equal(released.source, 'trace-jsonl');
  assert.equal(released.tokens, 300);
});
