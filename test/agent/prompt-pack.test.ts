import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { goalPrompt, systemPrompts } from '../../src/agent/message-stack.js';
import {
  defaultPromptPack,
  loadPromptPack,
  parsePromptPack,
  renderGoalTemplate,
} from '../../src/agent/prompts/prompt-pack.js';
import { InputError } from '../../src/util/errors.js';
import { scratchDir } from '../helpers/scratch.js';
import { FakeEnvironment } from './fakes.js';

const dir = scratchDir('prompts');
const minimal = { system: 'S', runtime_persistent: 'RP', runtime_stateless: 'RS' };

test('the default pack tells the truth about printing, finish and each mode', () => {
  const pack = defaultPromptPack();
  assert.equal(pack.source, 'default');
  assert.match(pack.system, /print\(\)/);
  assert.match(pack.system, /NOT shown/);
  assert.match(pack.system, /exactly one fenced code block/);
  assert.match(pack.system, /finish\(\)/);
  assert.match(pack.runtime_persistent, /PERSISTENT/);
  assert.match(pack.runtime_persistent, /Python interpreter globals/);
  assert.match(pack.runtime_stateless, /brand-new Python session/);
  assert.ok(pack.few_shot_persistent && pack.few_shot_stateless);
  // The stateless example must not rely on names from an earlier block.
  assert.doesNotMatch(pack.few_shot_stateless, /Interpreter globals/);
});

test('YAML and JSON packs load; empty or absent few-shots mean no few-shot message', () => {
  const yamlFile = join(dir, 'pack.yaml');
  writeFileSync(
    yamlFile,
    'system: S\nruntime_persistent: RP\nruntime_stateless: RS\nfew_shot_persistent: FP\nfew_shot_stateless: ""\n',
  );
  const yamlPack = loadPromptPack(yamlFile);
  assert.equal(yamlPack.few_shot_persistent, 'FP');
  assert.equal(yamlPack.few_shot_stateless, null);
  assert.equal(yamlPack.source, yamlFile);

  const jsonFile = join(dir, 'pack.json');
  writeFileSync(jsonFile, JSON.stringify(minimal));
  const jsonPack = loadPromptPack(jsonFile);
  const env = new FakeEnvironment();
  assert.deepEqual(systemPrompts(jsonPack, 'stateless', env).slice(0, 2), ['S', 'RS']);
  assert.equal(systemPrompts(jsonPack, 'stateless', env).length, 3);
  assert.equal(systemPrompts(yamlPack, 'persistent', env).length, 4);
});

test('a bad pack is an InputError naming the file and the field', () => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'system: S\nruntime_persistent: 3\nruntime_stateless: RS\n');
  assert.throws(
    () => loadPromptPack(file),
    (err: unknown) => err instanceof InputError && err.field === 'runtime_persistent' && err.file === file,
  );
  assert.throws(
    () => parsePromptPack({ system: 'S', runtime_persistent: 'RP' }, 'p.json'),
    /field 'runtime_stateless'/,
  );
  assert.throws(() => parsePromptPack({ ...minimal, sytem: 'typo' }, 'p.json'), /unknown field\(s\) 'sytem'/);
  assert.throws(
    () => parsePromptPack({ ...minimal, goal: { chess: 'x' } }, 'p.json'),
    /p\.json: field 'goal'/,
  );
  assert.throws(() => loadPromptPack(join(dir, 'missing.yaml')), /cannot read prompt pack/);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"system": ');
  assert.throws(() => loadPromptPack(broken), /not valid JSON/);
});

test('goal templates fill placeholders like str.format and reject unknown ones', () => {
  assert.equal(
    renderGoalTemplate('C={capacity} {{literal}}', { capacity: 42 }, 'f', 'goal.knapsack'),
    'C=42 {literal}',
  );
  assert.throws(
    () => renderGoalTemplate('{budget}', { capacity: 42 }, 'pack.yaml', 'goal.knapsack'),
    (err: unknown) =>
      err instanceof InputError &&
      err.field === 'goal.knapsack' &&
      /unknown placeholder \{budget\}.*\{capacity\}/.test(err.message),
  );
  const env = new FakeEnvironment({ capacity: 7, item_classes: "{'A', 'B'}" });
  const pack = parsePromptPack(
    { ...minimal, goal: { knapsack: 'Fill {capacity} with {item_classes}.' } },
    'p.yaml',
  );
  assert.equal(goalPrompt(pack, env), "Fill 7 with {'A', 'B'}.");
  assert.equal(goalPrompt(parsePromptPack(minimal, 'p.yaml'), env), 'GOAL: do the thing');
});
