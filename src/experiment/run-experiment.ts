/**
 * Plays an experiment plan stage by stage. Every stage resumes: task generation keeps existing task
 * files, runs skip finished episodes, exports skip existing files, an external stage is done once
 * its marker file exists. A stage that needs work outside (training on a GPU machine) prints what to
 * run and what to hand back, and the experiment stops there until the marker appears.
 */

import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeConditionTable } from '../formats/condition-table.js';
import { parseWith } from '../formats/json-file.js';
import { type BenchmarkConfig, benchmarkConfigSchema, type FamilyName } from '../runner/config.js';
import { listFamilyTasks } from '../runner/list-tasks.js';
import { ProgressReporter } from '../runner/progress.js';
import { runBenchmark } from '../runner/run-benchmark.js';
import { SharedSandboxes } from '../runner/shared-sandboxes.js';
import { isPlainRuntime, parseRuntimeSpec, type RuntimeName, runtimeBase } from '../runtime/spec.js';
import { generateTasks, loadSettings, parseSettings } from '../tasks/index.js';
import { exportTraining } from '../training/index.js';
import { InputError } from '../util/errors.js';
import { type ConditionRow, conditionRow, formatConditionTable } from './condition-table.js';
import type { ExperimentOptions } from './experiment-options.js';
import {
  conditionName,
  type ExportStage,
  type ExternalStage,
  type Plan,
  planPath,
  type ReportStage,
  type RunStage,
} from './plan.js';
import { runStageOnSlurm, type SlurmCondition } from './slurm-executor.js';
import { externalStageOnSlurm } from './slurm-external.js';

export type { ExperimentOptions } from './experiment-options.js';

export interface Condition {
  stage: string;
  name: string;
  taskSet: string;
  model: string;
  /** A runtime spec's canonical text. */
  runtime: RuntimeName;
  runDir: string;
}

export interface ExperimentOutcome {
  out: string;
  /**
   * `incomplete`: a Slurm stage ended with episodes missing (the same command submits them again).
   * `failed`: a condition's model endpoint is down (`failure` says how); the same command resumes.
   */
  state: 'finished' | 'waiting' | 'interrupted' | 'incomplete' | 'failed';
  failure?: Error;
  conditions: Condition[];
  rows: ConditionRow[];
  /** The stage that waits for outside work, when state is 'waiting'. */
  waitingOn?: string;
}

/** A path as the user would type it: relative below the working directory, else absolute. */
function displayPath(path: string): string {
  const rel = relative('.', path);
  return rel === '' ? '.' : rel.startsWith('..') ? resolve(path) : rel;
}

export function experimentOut(plan: Plan, out?: string): string {
  return out ?? plan.out ?? join('runs', plan.name);
}

/** Where a task set's files live: its own folder, or the generated one under the output root. */
export function taskSetDir(options: Pick<ExperimentOptions, 'loaded'>, out: string, name: string): string {
  const spec = options.loaded.plan.task_sets[name];
  return spec.dir !== undefined ? planPath(options.loaded, spec.dir) : join(out, 'tasks', name);
}

function generatedFamilies(plan: Plan, taskSet: string): FamilyName[] | undefined {
  return plan.task_sets[taskSet].generate?.families as FamilyName[] | undefined;
}

function prepareTaskSet(options: ExperimentOptions, out: string, name: string, done: Set<string>): void {
  if (done.has(name)) return;
  done.add(name);
  const { loaded } = options;
  const spec = loaded.plan.task_sets[name];
  if (!spec.generate) {
    if (!existsSync(taskSetDir(options, out, name)))
      throw new InputError(`task folder does not exist: ${spec.dir}`, loaded.file, `task_sets.${name}.dir`);
    return;
  }
  const gen = spec.generate;
  // The file is validated on its own first (errors name it), then inline settings are merged over it.
  const fromFile = gen.config ? loadSettings(planPath(loaded, gen.config)) : {};
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [key, value] of Object.entries(gen.settings ?? {})) {
    const base = merged[key];
    merged[key] =
      base && typeof base === 'object' && value && typeof value === 'object' && !Array.isArray(value)
        ? { ...(base as object), ...(value as object) }
        : value;
  }
  const settings = parseSettings(merged, `${loaded.file} (task_sets.${name}.generate)`);
  const dir = taskSetDir(options, out, name);
  options.say(`task set '${name}': generating into ${dir} (existing task files are kept)`);
  const summary = generateTasks(settings, {
    outDir: dir,
    families: gen.families as FamilyName[] | undefined,
    numTasks: gen.num_tasks,
    referenceGlobalSeed: gen.reference_global_seed,
  });
  options.say(
    `task set '${name}': ${summary.written} written, ${summary.skipped} already there, ${summary.failed} failed`,
  );
}

/** The benchmark config of one condition (validated like a config file, so defaults are filled in). */
export function conditionConfig(
  options: ExperimentOptions,
  out: string,
  stage: RunStage,
  taskSet: string,
  modelKey: string,
  runtime: RuntimeName,
): BenchmarkConfig {
  const { plan } = options.loaded;
  const model = plan.models[modelKey];
  const name = conditionName(modelKey, runtime, taskSet);
  const { llm: llmDefaults, prompts, ...agentDefaults } = plan.defaults;
  const raw = {
    output_dir: join(out, stage.name),
    run_name: name,
    max_concurrent_runs: options.concurrency ?? plan.concurrency,
    cache_db_path: join(out, 'cache', 'llm_cache.sqlite'),
    task_families: stage.families ?? generatedFamilies(plan, taskSet) ?? null,
    ...((options.backend ?? plan.backend) && { backend: options.backend ?? plan.backend }),
    agents: [
      {
        ...agentDefaults,
        ...(prompts !== undefined && { prompts: planPath(options.loaded, prompts) }),
        name,
        persistent_state: runtimeBase(runtime) === 'persistent',
        // Plain runtimes keep the reference's config keys only; other specs add `runtime:`.
        ...(!isPlainRuntime(parseRuntimeSpec(runtime)) && { runtime }),
        llm: {
          ...llmDefaults,
          ...model.llm,
          model: model.model,
          ...(model.base_url !== undefined && { base_url: model.base_url }),
        },
      },
    ],
  };
  return parseWith(benchmarkConfigSchema, raw, `${options.loaded.file} (condition ${name})`);
}

function conditionsOf(out: string, stage: RunStage): Condition[] {
  const list: Condition[] = [];
  for (const taskSet of stage.task_sets)
    for (const model of stage.models)
      for (const runtime of stage.runtimes) {
        const name = conditionName(model, runtime, taskSet);
        list.push({ stage: stage.name, name, taskSet, model, runtime, runDir: join(out, stage.name, name) });
      }
  return list;
}

/** The stage's conditions as one Slurm job array (paths made absolute: jobs may start elsewhere). */
/** A condition's benchmark config, with its task set generated first when needed. */
function preparedConfig(
  options: ExperimentOptions,
  out: string,
  stage: RunStage,
  condition: Condition,
  prepared: Set<string>,
) {
  prepareTaskSet(options, out, condition.taskSet, prepared);
  return conditionConfig(options, out, stage, condition.taskSet, condition.model, condition.runtime);
}

async function runStageSlurm(
  options: ExperimentOptions,
  out: string,
  stage: RunStage,
  prepared: Set<string>,
): Promise<{ conditions: Condition[]; rows: ConditionRow[]; interrupted: boolean; missing: number }> {
  const { plan } = options.loaded;
  const conditions = conditionsOf(out, stage);
  const jobs: SlurmCondition[] = conditions.map((condition) => {
    const config = preparedConfig(options, out, stage, condition, prepared);
    return {
      name: condition.name,
      config: {
        ...config,
        output_dir: resolve(config.output_dir),
        cache_db_path: resolve(config.cache_db_path),
      },
      tasksDir: resolve(taskSetDir(options, out, condition.taskSet)),
      limit: options.limit ?? plan.task_sets[condition.taskSet].limit,
      taskSetLabel: plan.task_sets[condition.taskSet].label ?? condition.taskSet,
      policyStyle: plan.models[condition.model].policy_style,
    };
  });
  const result = await runStageOnSlurm(
    stage.name,
    join(out, stage.name),
    jobs,
    options.slurm ?? { arraySize: 4, sbatchArgs: [] },
    options.say,
    options.stop,
  );
  const rows = await Promise.all(conditions.map((c) => conditionRow(c.name, c.runDir)));
  return { conditions, rows, interrupted: result.interrupted, missing: result.missing };
}

async function runStage(
  options: ExperimentOptions,
  out: string,
  stage: RunStage,
  prepared: Set<string>,
): Promise<{
  conditions: Condition[];
  rows: ConditionRow[];
  interrupted: boolean;
  missing?: number;
  failure?: Error;
}> {
  if (options.executor === 'slurm') return runStageSlurm(options, out, stage, prepared);
  const { plan } = options.loaded;
  const conditions = conditionsOf(out, stage);
  const rows: ConditionRow[] = [];
  let interrupted = false;
  let failure: Error | undefined;
  // The stage's conditions share one sandbox per backend: interpreter hosts start once.
  const sandboxes = new SharedSandboxes();
  try {
    for (const [i, condition] of conditions.entries()) {
      if (options.stop?.aborted) {
        interrupted = true;
        break;
      }
      const config = preparedConfig(options, out, stage, condition, prepared);
      const progress = new ProgressReporter(options.progress ? process.stderr : null);
      progress.label = `[${stage.name} ${i + 1}/${conditions.length} ${condition.name}]`;
      progress.start();
      const style = plan.models[condition.model].policy_style;
      try {
        const outcome = await runBenchmark({
          config,
          tasksDir: taskSetDir(options, out, condition.taskSet),
          listTasks: listFamilyTasks,
          executorFactory: options.executorFactory,
          sandboxes,
          limit: options.limit ?? plan.task_sets[condition.taskSet].limit,
          progress,
          stop: options.stop,
          metadata: {
            taskSet: plan.task_sets[condition.taskSet].label ?? condition.taskSet,
            ...(style && { policyStyles: { [condition.name]: style } }),
          },
        });
        if (outcome.interrupted) interrupted = true;
        failure = outcome.failure;
      } finally {
        progress.stop();
      }
      rows.push(await conditionRow(condition.name, condition.runDir));
      // The conditions after it would most likely call the same endpoint: stop here.
      if (failure) break;
    }
  } finally {
    await sandboxes.shutdown();
  }
  return { conditions, rows, interrupted, ...(failure && { failure }) };
}

function exportStage(options: ExperimentOptions, out: string, stage: ExportStage, runs: Condition[]): void {
  for (const condition of runs.filter((c) => c.stage === stage.from)) {
    const file = join(out, stage.name, `${condition.name}.jsonl`);
    if (existsSync(file)) {
      options.say(`export '${stage.name}': ${file} exists, kept`);
      continue;
    }
    const outcome = exportTraining({
      runDirs: [condition.runDir],
      out: file,
      compat: stage.compat,
      format: stage.format,
      ...(stage.solved_only && { filters: { solved: true } }),
    });
    options.say(
      `export '${stage.name}': ${file} (${outcome.train} examples, ${outcome.filtered} filtered out)`,
    );
  }
}

/** Returns true when the stage is done (its marker exists); otherwise prints what to do. */
function externalStage(
  options: ExperimentOptions,
  out: string,
  stage: ExternalStage,
  previous: string[],
): boolean {
  const marker = join(out, `${stage.name}.done`);
  if (existsSync(marker)) return true;
  const lines = [
    `Stage '${stage.name}' needs work outside this tool:`,
    '',
    ...stage.instructions
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
    '',
    ...(previous.length > 0 ? ['Inputs from earlier stages:', ...previous.map((p) => `  ${p}`), ''] : []),
    'When it is done, mark the stage and run the same command again to continue:',
    `  touch ${marker}`,
  ];
  for (const line of lines) options.print(line);
  return false;
}

async function reportStage(options: ExperimentOptions, out: string, stage: ReportStage, runs: Condition[]) {
  const runDirs = runs.filter((c) => stage.from.includes(c.stage)).map((c) => c.runDir);
  const reportDir = join(out, stage.name);
  // Loaded on first use: the report pulls in the charting libraries, which plain runs never need.
  const { generateReport } = await import('../report/index.js');
  const { plan } = options.loaded;
  await generateReport(runDirs, reportDir, { title: plan.description ?? plan.name });
  options.say(`report '${stage.name}': ${join(reportDir, 'report.html')}`);
}

export async function runExperiment(options: ExperimentOptions): Promise<ExperimentOutcome> {
  const { plan } = options.loaded;
  const out = experimentOut(plan, options.out);
  const prepared = new Set<string>();
  const conditions: Condition[] = [];
  const rows: ConditionRow[] = [];
  const products: string[] = [];
  for (const stage of plan.stages) {
    if (options.stop?.aborted) return { out, state: 'interrupted', conditions, rows };
    if (stage.kind === 'run') {
      options.say(
        `stage '${stage.name}': ${stage.task_sets.length * stage.models.length * stage.runtimes.length} condition(s)`,
      );
      const result = await runStage(options, out, stage, prepared);
      conditions.push(...result.conditions);
      rows.push(...result.rows);
      options.print('');
      options.print(`Stage '${stage.name}' (${displayPath(join(out, stage.name))}):`);
      options.print(formatConditionTable(result.rows));
      options.print('');
      writeConditionTable(join(out, stage.name, 'conditions.json'), result.rows);
      if (result.failure) return { out, state: 'failed', failure: result.failure, conditions, rows };
      if (result.interrupted) return { out, state: 'interrupted', conditions, rows };
      if (result.missing) return { out, state: 'incomplete', conditions, rows };
    } else if (stage.kind === 'export') {
      exportStage(options, out, stage, conditions);
      products.push(join(out, stage.name));
    } else if (stage.kind === 'external') {
      if (options.executor === 'slurm' && stage.script !== undefined) {
        const state = await externalStageOnSlurm(options, out, stage, products);
        if (state !== 'done') return { out, state, conditions, rows, waitingOn: stage.name };
      } else if (!externalStage(options, out, stage, products))
        return { out, state: 'waiting', conditions, rows, waitingOn: stage.name };
    } else {
      await reportStage(options, out, stage, conditions);
    }
  }
  return { out, state: 'finished', conditions, rows };
}
