/**
 * Where a run's files go: the reference layout, which the reference's analysis scripts rely on
 * (`results/<agent>/<family>/<family>-<task_id>.json`, with the family prefix doubled because task
 * ids already start with it).
 */
import { join } from 'node:path';

export interface RunLayout {
  /** `<output_dir>/<run_name>` */
  runDir: string;
}

export function runLayout(outputDir: string, runName: string): RunLayout {
  return { runDir: join(outputDir, runName) };
}

export function familyDir(layout: RunLayout, agent: string, family: string): string {
  return join(layout.runDir, 'results', agent, family);
}

export function episodeBase(layout: RunLayout, agent: string, family: string, taskId: string): string {
  return join(familyDir(layout, agent, family), `${family}-${taskId}`);
}

export const resultPath = (layout: RunLayout, agent: string, family: string, taskId: string) =>
  `${episodeBase(layout, agent, family, taskId)}.json`;

export const tracePath = (layout: RunLayout, agent: string, family: string, taskId: string) =>
  `${episodeBase(layout, agent, family, taskId)}.trace.json`;

export const traceHtmlPath = (layout: RunLayout, agent: string, family: string, taskId: string) =>
  `${episodeBase(layout, agent, family, taskId)}.trace.html`;

export const summaryPath = (layout: RunLayout, agent: string, family: string) =>
  join(layout.runDir, `summary_${agent}-${family}.json`);

export const taskStatusPath = (layout: RunLayout, agent: string, family: string) =>
  join(layout.runDir, `task_status_${agent}-${family}.json`);

export const configYamlPath = (layout: RunLayout) => join(layout.runDir, 'config.yaml');

export const runJsonPath = (layout: RunLayout) => join(layout.runDir, 'run.json');
