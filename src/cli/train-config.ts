// `alr train-config`: Axolotl or TRL QLoRA configs (paper hyperparameters) for an export, validated.
import type { Command } from 'commander';
import { InputError } from '../util/errors.js';

export function register(program: Command): void {
  program
    .command('train-config')
    .description(
      'write a validated QLoRA training config (Axolotl YAML, or TRL settings + script) for an export',
    )
    .requiredOption('--export <file>', 'training JSONL written by alr export')
    .requiredOption('--out <dir>', 'folder for the generated files (launch training from it)')
    .option('--engine <engine>', 'axolotl | trl', 'axolotl')
    .option('--model <id>', 'base model', 'Qwen/Qwen3-8B')
    .option('--name <name>', 'adapter name (output folder outputs/<name>); default: the export file stem')
    .option('--sequence-length <n>', 'training sequence length in tokens', '16384')
    .action(
      async (flags: {
        export: string;
        out: string;
        engine: string;
        model: string;
        name?: string;
        sequenceLength: string;
      }) => {
        if (flags.engine !== 'axolotl' && flags.engine !== 'trl')
          throw new InputError(`--engine must be axolotl or trl, got '${flags.engine}'`);
        const sequenceLength = Number(flags.sequenceLength);
        if (!Number.isInteger(sequenceLength) || sequenceLength <= 0)
          throw new InputError(`--sequence-length expects a positive integer, got '${flags.sequenceLength}'`);
        const { writeTrainConfig } = await import('../training/train-config.js');
        const outcome = writeTrainConfig({
          exportPath: flags.export,
          outDir: flags.out,
          engine: flags.engine,
          baseModel: flags.model,
          name: flags.name,
          sequenceLength,
        });
        const v = outcome.validation;
        process.stdout.write(`wrote ${outcome.files.join(', ')}\n`);
        process.stdout.write(
          `checked ${v.examples} examples: longest ${v.maxTokens} Qwen3 tokens (limit ${v.sequenceLength})\n`,
        );
        for (const p of v.problems) process.stderr.write(`problem: ${p}\n`);
        if (!v.ok)
          throw new InputError(`the generated config has ${v.problems.length} problem(s), listed above`);
        process.stdout.write(
          `train: cd ${flags.out} && ${outcome.command}\nthen serve: alr serve-config --adapter NAME=${flags.out}/${outcome.adapterDir}[:persistent|stateless] --out DIR\n`,
        );
      },
    );
}
