import type { CliIo } from '../../src/cli/io';
import { runCli } from '../../src/cli/run-cli';
import { redisUrl } from './redis';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the real command line in-process against the test Redis with a queue prefix of its own. */
export async function cli(
  args: string[],
  env: Record<string, string> = {},
  stop?: Promise<string>,
  terminal: Pick<CliIo, 'columns' | 'now'> = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env: { PATH: process.env.PATH ?? '', REDIS_URL: redisUrl(), LOG_LEVEL: 'silent', ...env },
    cwd: __dirname,
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    stopSignal: () => stop ?? new Promise(() => undefined),
    onReload: () => undefined,
    ...terminal,
  });
  return { code, out, err };
}
