import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { conditionRow, formatConditionTable, hadNameError } from '../../src/experiment/condition-table.js';
import { demoPlan } from '../../src/experiment/demo-plan.js';
import { loadPlan, parsePlan } from '../../src/experiment/plan.js';
import { conditionConfig, runExperiment } from '../../src/experiment/run-experiment.js';
import { readConditionTable } from '../../src/formats/condition-table.js';
import { type Condition, computeMetrics } from '../../src/metrics/index.js';
import { pyFloat } from '../../src/python/json.js';
import { mainCell } from '../../src/report/condition-stats.js';
import type { AgentExecutor, EpisodeJob, ExecutorFactory } from '../../src/runner/episode.js';
import type { SharedSandboxes } from '../../src/runner/shared-sandboxes.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { InputError } from '../../src/util/errors.js';
import { referenceFixtures, testData } from '../helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'alr-experiment-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Plays nothing: scores from the model's style and the runtime, NameErrors for the mismatch. */
const fakeFactory =
  (played: string[]): ExecutorFactory =>
  async (agent) =>
    ({
      async run(job: EpisodeJob) {
        played.push(`${agent.name}/${job.task.taskId}`);
        const mismatch = agent.config.llm.model === 'scripted-persistent' && agent.runtime === 'stateless';
        const index = Number(job.task.taskId.split('-').pop());
        const score = mismatch ? 0.5 : index % 2 === 0 ? 1 : 0.8;
        return {
          status: 'completed',
          result: {
            status: 'completed',
            error: null,
            result: { is_solved: score === 1, score: pyFloat(score), metrics: {} },
            finished_at: pyFloat(2),
            started_at: pyFloat(1),
          },
          trace: {
            summary: {
              num_steps: 4,
              token_usage: { prompt_tokens: 90, completion_tokens: 10, total_tokens: 100 },
            },
            events: [
              {
                type: 'StepEvent',
                data: { turn: 1, error_type: mismatch ? 'NameError' : null },
                timestamp: '',
              },
            ],
          },
          totalTokens: 100,
          steps: 4,
        };
      },
      async close() {},
    }) satisfies AgentExecutor;

const quiet = { progress: false, say: () => {}, print: () => {} };

describe('experiment plans', () => {
  it('the built-in demo plan is the 2x2 of scripted policies on 100 Easy knapsack tasks', () => {
    const plan = demoPlan();
    const easy = plan.task_sets.easy.generate;
    assert.deepEqual(easy?.families, ['knapsack']);
    const settings = easy?.settings as {
      seed_start: number;
      knapsack: { num_tasks: number; classes: string[] };
    };
    assert.equal(settings.seed_start, 123456789);
    assert.equal(settings.knapsack.num_tasks, 100);
    assert.equal(settings.knapsack.classes.length, 15);
    assert.ok(settings.knapsack.classes.every((c) => typeof c === 'string'));
    const run = plan.stages[0];
    assert.equal(run.kind, 'run');
    if (run.kind === 'run') {
      assert.deepEqual(
        run.models.map((m) => plan.models[m].model),
        ['scripted-persistent', 'scripted-stateless'],
      );
      assert.deepEqual(run.runtimes, ['persistent', 'stateless']);
    }
  });

  it("expresses the paper's 12-condition study with teacher, export, external training and report stages", () => {
    const loaded = loadPlan(join(testData, 'runner', 'plans', 'paper.yaml'));
    const kinds = loaded.plan.stages.map((s) => s.kind);
    assert.deepEqual(kinds, ['run', 'export', 'external', 'run', 'report']);
    const evalStage = loaded.plan.stages[3];
    assert.equal(evalStage.kind, 'run');
    if (evalStage.kind === 'run')
      assert.equal(evalStage.task_sets.length * evalStage.models.length * evalStage.runtimes.length, 12);
    const config = conditionConfig(
      { loaded, executorFactory: fakeFactory([]), ...quiet },
      'out',
      evalStage as Extract<typeof evalStage, { kind: 'run' }>,
      'medium',
      'stateless',
      'persistent',
    );
    assert.equal(config.run_name, 'stateless_persistent_medium');
    assert.equal(config.output_dir, join('out', 'eval'));
    const [agent] = config.agents;
    assert.equal(agent.persistent_state, true);
    assert.equal(agent.max_turns, 40);
    assert.equal(agent.llm.model, 'qwen3-8b-stateless');
    assert.equal(agent.llm.temperature, 0.2);
    assert.equal(agent.llm.base_url, 'http://127.0.0.1:8000/v1');
    assert.equal(agent.llm.max_retries, 3);
    assert.deepEqual(config.task_families, ['knapsack']);
  });

  it("sets the model client's retries for every model (defaults.llm) or one (models.<name>.llm)", () => {
    const text = [
      'defaults: {llm: {max_retries: 1, timeout_s: 5}}',
      'task_sets: {easy: {dir: tasks}}',
      'models: {a: {model: served-a, llm: {max_retries: 0}}, b: {model: served-b}}',
      'stages:',
      '  - {name: eval, kind: run, task_sets: [easy], models: [a, b], runtimes: [persistent]}',
      '',
    ].join('\n');
    const plan = parsePlan(text, 'plan.yaml');
    // Kept as written: defaults are filled per condition, after the two mappings are merged.
    assert.deepEqual(plan.models.a?.llm, { max_retries: 0 });
    const loaded = { plan, baseDir: '.', file: 'plan.yaml' };
    const stage = plan.stages[0] as Extract<(typeof plan.stages)[number], { kind: 'run' }>;
    const llmOf = (model: string) =>
      conditionConfig(
        { loaded, executorFactory: fakeFactory([]), ...quiet },
        'out',
        stage,
        'easy',
        model,
        'persistent',
      ).agents[0]?.llm;
    assert.equal(llmOf('a')?.max_retries, 0);
    assert.equal(llmOf('a')?.timeout_s, 5, "the model's llm keeps the other defaults.llm keys");
    assert.equal(llmOf('b')?.max_retries, 1);
    assert.equal(llmOf('b')?.backoff_base_s, 0.5, 'unset keys get the benchmark config defaults');
  });

  it('rejects bad plans naming the field', () => {
    const bad: Array<[string, RegExp]> = [
      ['task_sets: {}\nmodels: {}\nstages: []\n', /stages/],
      [
        'task_sets: {a: {dir: x}}\nmodels: {m: {model: scripted-persistent}}\nstages:\n  - {name: r, kind: run, task_sets: [b], models: [m]}\n',
        /unknown task set 'b'/,
      ],
      [
        'task_sets: {a: {dir: x, generate: {}}}\nmodels: {}\nstages:\n  - {name: x, kind: external, instructions: hi}\n',
        /exactly one of 'dir'/,
      ],
      [
        'task_sets: {}\nmodels: {}\nstages:\n  - {name: e, kind: export, from: nothing}\n',
        /'nothing' is not an earlier run stage/,
      ],
      ['task_sets: {}\nmodels: {}\nstages:\n  - {name: x, kind: dance}\n', /stages\[0\]\.kind/],
      [
        'defaults: {llm: {max_retries: -1}}\ntask_sets: {}\nmodels: {}\nstages:\n  - {name: x, kind: external, instructions: hi}\n',
        /^plan\.yaml: field 'defaults\.llm\.max_retries': .*>=0/,
      ],
      [
        'task_sets: {}\nmodels: {m: {model: x, llm: {max_retries: 1.5}}}\nstages:\n  - {name: x, kind: external, instructions: hi}\n',
        /^plan\.yaml: field 'models\.m\.llm\.max_retries': .*int/,
      ],
      [
        'task_sets: {}\nmodels: {m: {model: x, llm: {max_retry: 0}}}\nstages:\n  - {name: x, kind: external, instructions: hi}\n',
        /^plan\.yaml: field 'models\.m\.llm': .*"max_retry"/,
      ],
    ];
    for (const [text, pattern] of bad) {
      const err = (() => {
        try {
          parsePlan(text, 'plan.yaml');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(err instanceof InputError, text);
      assert.match(err.message, /^plan\.yaml: /);
      assert.match(err.message, pattern);
    }
  });

  it("gives a stage's conditions one set of shared sandboxes and shuts it down after the stage", async () => {
    const planFile = join(scratch, 'shared.yaml');
    writeFileSync(
      planFile,
      `name: shared
task_sets:
  fx: {dir: ${join(referenceFixtures, 'task-sets', 'easy_100')}, limit: 1}
models:
  p: {model: scripted-persistent}
stages:
  - {name: eval, kind: run, task_sets: [fx], models: [p], families: [knapsack]}
`,
    );
    const seen: Array<SharedSandboxes | undefined> = [];
    const sandboxes: Sandbox[] = [];
    const inner = fakeFactory([]);
    const recording: ExecutorFactory = async (agent, context) => {
      seen.push(context.sandboxes);
      if (context.sandboxes) sandboxes.push(context.sandboxes.get('pyodide', 1));
      return inner(agent, context);
    };
    const outcome = await runExperiment({
      loaded: loadPlan(planFile),
      out: join(scratch, 'shared-out'),
      executorFactory: recording,
      ...quiet,
    });
    assert.equal(outcome.state, 'finished');
    assert.equal(seen.length, 2, 'one executor per condition (persistent, stateless)');
    assert.ok(seen[0], 'the condition got no shared sandboxes');
    assert.equal(seen[1], seen[0], 'the two conditions got different sandboxes');
    assert.equal(sandboxes[1], sandboxes[0]);
    await assert.rejects(
      sandboxes[0]?.openSession({ mode: 'persistent', tools: [] }) ?? Promise.resolve(),
      /shut down/,
      'the shared sandbox outlived its stage',
    );
  });

  it('runs every condition, prints the table, waits at an external stage, then resumes', async () => {
    const planFile = join(scratch, 'plan.yaml');
    writeFileSync(
      planFile,
      `name: t
task_sets:
  fx:
    dir: ${join(referenceFixtures, 'task-sets', 'easy_100')}
    limit: 2
models:
  p: {model: scripted-persistent}
  s: {model: scripted-stateless}
stages:
  - {name: teach, kind: run, task_sets: [fx], models: [p], runtimes: [stateless], families: [knapsack]}
  - {name: train, kind: external, instructions: "train the model"}
  - {name: eval, kind: run, task_sets: [fx], models: [p, s], families: [knapsack]}
`,
    );
    const out = join(scratch, 'exp');
    const played: string[] = [];
    const printed: string[] = [];
    const options = {
      loaded: loadPlan(planFile),
      out,
      executorFactory: fakeFactory(played),
      ...quiet,
      print: (line: string) => printed.push(line),
    };
    const first = await runExperiment(options);
    assert.equal(first.state, 'waiting');
    assert.equal(first.waitingOn, 'train');
    assert.equal(played.length, 2);
    assert.ok(printed.some((l) => l.includes('train the model')));
    assert.ok(printed.some((l) => l.includes(`touch ${join(out, 'train.done')}`)));

    writeFileSync(join(out, 'train.done'), '');
    printed.length = 0;
    const second = await runExperiment(options);
    assert.equal(second.state, 'finished');
    assert.equal(played.length, 2 + 4 * 2, 'the teacher stage is not played again');
    const names = second.rows.map((r) => r.condition);
    assert.deepEqual(names.slice(1), [
      'p_persistent_fx',
      'p_stateless_fx',
      's_persistent_fx',
      's_stateless_fx',
    ]);
    const mismatch = second.rows.find((r) => r.condition === 'p_stateless_fx');
    assert.equal(mismatch?.nameErrorEpisodes, 2);
    assert.equal(mismatch?.scoreMean, 0.5);
    const aligned = second.rows.find((r) => r.condition === 'p_persistent_fx');
    assert.equal(aligned?.scoreMean, 0.9);
    assert.equal(aligned?.solved, 1);
    assert.ok(aligned && aligned.scoreLo <= 0.9 && aligned.scoreHi >= 0.9);
    assert.ok(
      printed.some((l) => /^p_stateless_fx\s+2\s+50\.0 \[50\.0, 50\.0\]\s+0\/2/m.test(l)),
      printed.join('\n'),
    );
    // The condition table and the report's main table agree on the same run folders (the report
    // reads the runner's summary file, the condition table the episodes).
    for (const row of second.rows.slice(1)) {
      const metrics = await computeMetrics([row.runDir], { analyzer: null });
      assert.equal(metrics.conditions.length, 1);
      const condition = metrics.conditions[0] as Condition;
      assert.ok(condition.summary, 'the report reads the summary file');
      const cell = mainCell(
        condition,
        metrics.episodes.map((e) => e.metrics),
        'percent',
      );
      assert.equal(row.scoreMean, cell.score_pct, row.condition);
      assert.equal(row.solved, cell.solved, row.condition);
      assert.equal(row.meanSteps, cell.steps, row.condition);
      assert.equal(row.meanTokens, cell.tokens, row.condition);
      assert.deepEqual([row.scoreLo, row.scoreHi], [cell.score_ci?.lo, cell.score_ci?.hi], row.condition);
    }
    const run = JSON.parse(readFileSync(join(out, 'eval', 's_persistent_fx', 'run.json'), 'utf8'));
    assert.equal(run.agents[0].policy_style, 'stateless');
    assert.equal(run.agents[0].runtime, 'persistent');
    const table = readConditionTable(join(out, 'eval', 'conditions.json'));
    assert.deepEqual(
      table.conditions.map((r) => [r.condition, r.scoreMean, r.nameErrorEpisodes]),
      second.rows.slice(1).map((r) => [r.condition, r.scoreMean, r.nameErrorEpisodes]),
    );
  });

  it('counts NameError episodes from StepEvent error types', async () => {
    assert.equal(hadNameError({ events: [{ type: 'StepEvent', data: { error_type: 'NameError' } }] }), true);
    assert.equal(
      hadNameError({ events: [{ type: 'ErrorEvent', data: { error_type: 'NameError' } }] }),
      false,
    );
    assert.equal(hadNameError({ events: [{ type: 'StepEvent', data: { error_type: 'KeyError' } }] }), false);
    const empty = await conditionRow('none', join(scratch, 'missing'));
    assert.equal(empty.episodes, 0);
    assert.match(formatConditionTable([empty]), /none\s+0\s+- \[-, -\]/);
  });
});

describe('experiment stages with the real episode player', () => {
  it('plays a teacher run and exports its traces as training JSONL', async () => {
    const { agentExecutorFactory } = await import('../../src/runner/agent-executor.js');
    const { cpythonAvailable } = await import('../../src/sandbox/index.js');
    const planFile = join(scratch, 'teacher.yaml');
    writeFileSync(
      planFile,
      `name: teacher
defaults: {max_turns: 40, max_tool_calls: 25}
task_sets:
  fx: {dir: ${join(referenceFixtures, 'task-sets', 'easy_100')}, limit: 1}
models:
  p: {model: scripted-persistent}
stages:
  - {name: teach, kind: run, task_sets: [fx], models: [p], runtimes: [persistent], families: [knapsack]}
  - {name: data, kind: export, from: teach}
`,
    );
    const out = join(scratch, 'teacher-out');
    const outcome = await runExperiment({
      loaded: loadPlan(planFile),
      out,
      executorFactory: agentExecutorFactory,
      backend: cpythonAvailable() ? 'cpython' : 'pyodide',
      ...quiet,
    });
    assert.equal(outcome.state, 'finished');
    assert.equal(outcome.rows[0].episodes, 1);
    const lines = readFileSync(join(out, 'data', 'p_persistent_fx.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 1);
    const example = JSON.parse(lines[0]);
    assert.equal(example.messages[0].role, 'system');
    assert.ok(example.messages.some((m: { role: string }) => m.role === 'assistant'));
  });
});
