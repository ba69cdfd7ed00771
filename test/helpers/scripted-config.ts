// A benchmark config (the reference's YAML) with one agent played by a scripted policy, for tests
// that run the CLI on real task sets.
import { writeFileSync } from 'node:fs';

export interface ScriptedConfig {
  outputDir: string;
  cacheDb: string;
  families: readonly string[];
  /** Agent name (default `sp`). */
  agent?: string;
  concurrency?: number;
  /** Extra keys of the agent, e.g. `max_turns: 40`. */
  agentKeys?: readonly string[];
}

/** Writes the config to `file` and returns `file`. */
export function writeScriptedConfig(file: string, c: ScriptedConfig): string {
  writeFileSync(
    file,
    [
      `output_dir: ${c.outputDir}`,
      'run_name: r',
      `cache_db_path: ${c.cacheDb}`,
      ...(c.concurrency === undefined ? [] : [`max_concurrent_runs: ${c.concurrency}`]),
      `task_families: [${c.families.join(', ')}]`,
      'agents:',
      `  - name: ${c.agent ?? 'sp'}`,
      ...(c.agentKeys ?? []).map((line) => `    ${line}`),
      '    llm: {model: scripted-persistent}',
      '',
    ].join('\n'),
  );
  return file;
}

/** `alr run` of `config` on the first task of each family in `tasksDir`, quietly, then `extra`. */
export function runOneTaskArgs(
  config: string,
  tasksDir: string,
  backend: string,
  ...extra: string[]
): string[] {
  return [
    'run',
    '--config',
    config,
    '--tasks',
    tasksDir,
    '--limit',
    '1',
    '--backend',
    backend,
    '--no-progress',
    ...extra,
  ];
}
