import type { Command } from 'commander';
import { InputError } from '../util/errors.js';

function intOption(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InputError(`${flag} must be an integer in [${min}, ${max}], got '${value}'`);
  return n;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'serve a scripted policy as an OpenAI-compatible chat endpoint (/v1/chat/completions) on loopback',
    )
    .requiredOption('--policy <name>', 'scripted-persistent or scripted-stateless')
    .option('--port <n>', 'port (0 = any free port)', '8000')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--latency-ms <n>', 'delay every answer by this many milliseconds', '0')
    .option(
      '--usage <kind>',
      'token usage reported: qwen3 (exact Qwen3 counts) or approximate (about 4 characters per token; cheap, for load tests)',
      'qwen3',
    )
    .option(
      '--reasoning <style>',
      'answer like a reasoning model: separate (thinking in reasoning_content) or inline (<think>…</think> in content)',
    )
    .action(
      async (opts: {
        policy: string;
        port: string;
        host: string;
        latencyMs: string;
        usage: string;
        reasoning?: string;
      }) => {
        const { isPolicyName, POLICY_NAMES, startPolicyServer } = await import('../models/index.js');
        if (!isPolicyName(opts.policy))
          throw new InputError(
            `unknown policy '${opts.policy}' (known: ${POLICY_NAMES.join(', ')})`,
            '--policy',
          );
        const port = intOption(opts.port, '--port', 0, 65535);
        const latencyMs = intOption(opts.latencyMs, '--latency-ms', 0, 600_000);
        if (opts.usage !== 'qwen3' && opts.usage !== 'approximate')
          throw new InputError(`--usage must be qwen3 or approximate, got '${opts.usage}'`);
        const usage = opts.usage;
        const reasoning = opts.reasoning;
        if (reasoning !== undefined && reasoning !== 'separate' && reasoning !== 'inline')
          throw new InputError(`--reasoning must be separate or inline, got '${reasoning}'`);
        let server: Awaited<ReturnType<typeof startPolicyServer>>;
        try {
          server = await startPolicyServer({
            policy: opts.policy,
            port,
            host: opts.host,
            latencyMs,
            usage,
            ...(reasoning && { reasoning }),
          });
        } catch (err) {
          throw new InputError(`cannot listen on ${opts.host}:${port}: ${(err as Error).message}`);
        }
        process.stdout.write(`serving ${opts.policy} (a scripted policy, not a model) at ${server.url}\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            server.close().then(resolve, resolve);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        process.stdout.write('stopped\n');
      },
    );
}
