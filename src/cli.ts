#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, ROLES } from './config/load-config';
import { readEnv } from './config/read-env';
import { createLogger, type Logger } from './logging/create-logger';
import { RedisNotFoundError } from './redis/embedded-redis';
import { EvictionPolicyError } from './service/redis-policy';
import { runService } from './service/run-service';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 78 } as const;

const program = new Command('zoom-livestream-worker')
  .description('Starts Zoom live streams when meetings start, retrying until the stream is up.')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));

program
  .command('start')
  .description('run the service: webhook receiver, start worker, or both')
  .option(
    '--role <role>',
    `which part to run: ${ROLES.join(', ')} (env ROLE; default all)`,
    (value) => {
      if (!(ROLES as readonly string[]).includes(value))
        throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
      return value;
    },
  )
  .action(async (options: { role?: string }) => {
    const env = readEnv(process.env, process.cwd());
    let log: Logger | undefined;
    try {
      const config = loadConfig(env, options.role);
      log = createLogger(config.logLevel);
      const running = log;
      process.on('unhandledRejection', (reason) => {
        running.fatal(
          { err: { message: String((reason as Error)?.message ?? reason) } },
          'unhandled rejection',
        );
        process.exit(EXIT.failure);
      });
      const service = await runService(config, log);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        running.info({ signal }, 'shutting down');
        service.close().then(
          () => process.exit(EXIT.ok),
          (err: Error) => {
            running.error({ err: { message: err.message } }, 'shutdown failed');
            process.exit(EXIT.failure);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    } catch (err) {
      exitOnStartError(err, log);
    }
  });

function exitOnStartError(err: unknown, log: Logger | undefined): never {
  const known =
    err instanceof ConfigError ||
    err instanceof RedisNotFoundError ||
    err instanceof EvictionPolicyError;
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`zoom-livestream-worker: ${known ? '' : 'failed to start: '}${message}\n`);
  log?.flush();
  process.exit(err instanceof ConfigError ? EXIT.config : EXIT.failure);
}

program.parseAsync(process.argv).catch((err: unknown) => exitOnStartError(err, undefined));
