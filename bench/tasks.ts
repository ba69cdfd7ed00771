// Task-generation throughput on the reference's training configs (easy_100, medium_100): knapsack
// tasks generated per second, median of several runs, each into a fresh temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTasks, loadSettings } from '../src/tasks/index.js';
import type { BenchOptions } from './options.js';

// Compiled to dist/bench/tasks.js; the configs stay in the source tree under bench/data.
const dataDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'data');
const CONFIGS = ['easy_100.json', 'medium_100.json'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function run(options: BenchOptions): Promise<unknown> {
  const runs = Number(options.settings.runs ?? (options.quick ? 2 : 7));
  const results = [];
  for (const name of CONFIGS) {
    const settings = loadSettings(join(dataDir, name));
    const seconds: number[] = [];
    let tasks = 0;
    for (let i = 0; i < runs; i++) {
      const out = mkdtempSync(join(tmpdir(), 'alr-bench-tasks-'));
      try {
        const start = process.hrtime.bigint();
        const summary = generateTasks(settings, { outDir: out, families: ['knapsack'] });
        seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
        tasks = summary.written;
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    const secondsMedian = median(seconds);
    results.push({
      config: name,
      tasks,
      seconds_median: Number(secondsMedian.toFixed(4)),
      tasks_per_second: Number((tasks / secondsMedian).toFixed(1)),
    });
  }
  return results;
}
