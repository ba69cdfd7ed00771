import type { Command } from 'commander';
import { InputError } from '../util/errors.js';

const FAMILY_NAMES = ['knapsack', 'navigation', 'rule_diagnosis'] as const;
type FamilyName = (typeof FAMILY_NAMES)[number];

function parseNonNegativeInt(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new InputError(`${flag} expects a non-negative integer, got '${text}'`);
  return Number(text);
}

function parseFamilies(text: string): FamilyName[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(FAMILY_NAMES as readonly string[]).includes(name))
      throw new InputError(`--families: unknown family '${name}' (known: ${FAMILY_NAMES.join(', ')})`);
  }
  return names as FamilyName[];
}

interface GenerateFlags {
  config: string;
  out: string;
  referenceGlobalSeed?: string;
  families?: string;
  numTasks?: string;
}

export function register(program: Command): void {
  const tasks = program.command('tasks').description('generate and inspect task sets');
  tasks
    .command('generate')
    .description('generate a task set from a reference generator config (Settings JSON)')
    .requiredOption('--config <file>', 'generator config (the reference task_configs format)')
    .requiredOption('--out <dir>', 'output folder (tasks/<family>/<task_id>.json and manifest.json)')
    .option(
      '--reference-global-seed <n>',
      "emulate the reference's global random stream seeded with n (reproduces its files byte for byte)",
    )
    .option('--families <list>', 'comma-separated families to generate (default: all)')
    .option('--num-tasks <n>', "override every family's num_tasks")
    .action(async (flags: GenerateFlags) => {
      const { generateTasks, loadSettings } = await import('../tasks/generator.js');
      const settings = loadSettings(flags.config);
      const seed =
        flags.referenceGlobalSeed === undefined
          ? undefined
          : parseNonNegativeInt('--reference-global-seed', flags.referenceGlobalSeed);
      const interactive = process.stderr.isTTY === true;
      const summary = generateTasks(settings, {
        outDir: flags.out,
        referenceGlobalSeed: seed,
        families: flags.families === undefined ? undefined : parseFamilies(flags.families),
        numTasks:
          flags.numTasks === undefined ? undefined : parseNonNegativeInt('--num-tasks', flags.numTasks),
        onProgress: (p) => {
          if (interactive) {
            if (p.done % 10 === 0 || p.done === p.total)
              process.stderr.write(`\rtasks ${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`);
          } else if (p.total >= 500 && (p.done % 500 === 0 || p.done === p.total)) {
            process.stderr.write(`tasks ${p.done}/${p.total} (failed ${p.failed})\n`);
          }
        },
      });
      process.stdout.write(
        `${summary.written} written, ${summary.skipped} already present, ${summary.failed} failed → ${summary.outDir}\n`,
      );
      if (summary.failed > 0)
        process.stderr.write(`alr: see ${summary.outDir}/logs/errors.jsonl for the failures\n`);
    });
}
