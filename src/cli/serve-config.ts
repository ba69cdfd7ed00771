// `alr serve-config`: a vLLM command serving the base model and LoRA adapters under distinct
// names, plus one benchmark config per (model × runtime) evaluation condition.
import type { Command } from 'commander';
import { InputError } from '../util/errors.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('serve-config')
    .description(
      'write serve.sh (vLLM: base model + LoRA adapters, distinct names, thinking off) and benchmarks/<condition>.yaml',
    )
    .requiredOption('--out <dir>', 'output folder')
    .option(
      '--adapter <NAME=PATH[:runtime]>',
      'a LoRA adapter to serve (repeatable); runtime = the traces it was trained on',
      collect,
      [],
    )
    .option('--model <id>', 'base model', 'Qwen/Qwen3-8B')
    .option('--base-name <name>', 'served name of the base model', 'qwen3-8b')
    .option('--port <n>', 'server port', '8000')
    .option('--base-url <url>', 'endpoint the benchmark configs call (default http://127.0.0.1:<port>/v1)')
    .option('--results <dir>', 'output_dir of the benchmark configs', 'runs/eval')
    .action(
      async (flags: {
        out: string;
        adapter: string[];
        model: string;
        baseName: string;
        port: string;
        baseUrl?: string;
        results: string;
      }) => {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port <= 0 || port > 65535)
          throw new InputError(`--port expects a port number, got '${flags.port}'`);
        const { parseAdapterFlag, writeServeConfig } = await import('../training/train-config.js');
        const outcome = writeServeConfig({
          outDir: flags.out,
          adapters: flags.adapter.map(parseAdapterFlag),
          baseModel: flags.model,
          baseName: flags.baseName,
          port,
          baseUrl: flags.baseUrl,
          outputDir: flags.results,
        });
        process.stdout.write(
          `wrote ${outcome.files.join(', ')}\nconditions: ${outcome.conditions.join(', ')}\n`,
        );
      },
    );
}
