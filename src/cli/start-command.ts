import { ConfigError, loadConfig } from '../config/load-config';
import { createLogger, resolveLogFormat } from '../logging/create-logger';
import { RedisNotFoundError } from '../redis/embedded-redis';
import { RulesError } from '../policy/rules';
import { EvictionPolicyError } from '../service/redis-policy';
import { runService } from '../service/run-service';
import { startTracing } from '../telemetry/tracing';
import { CliError, EXIT, type CliIo } from './io';

/**
 * `start [--role]`: runs until SIGTERM/SIGINT, then shuts down cleanly and returns 0; with tracing
 * on, the last spans are flushed to the exporter before it returns.
 */
export async function startCommand(io: CliIo, options: { role?: string }): Promise<number> {
  const config = loadConfig(io.env, options.role);
  const tty = process.stdout.isTTY === true;
  const log = createLogger(config.logLevel, undefined, {
    format: resolveLogFormat(config.logFormat, tty),
    colorize: tty,
  });
  // Before the service, so its queue, worker and routes see it; off, nothing of the SDK loads.
  const tracing = await startTracing(config.tracing);
  try {
    const service = await runService(config, log, io.env);
    io.onReload(() => service.reloadRules());
    const signal = await io.stopSignal();
    log.info({ signal }, 'shutting down');
    await service.close();
    log.info('stopped');
    return EXIT.ok;
  } finally {
    await tracing?.shutdown();
  }
}

/** Start-up errors users can fix, as one clear line and an exit code; anything else is a bug. */
export function explainStartError(err: unknown): CliError | undefined {
  if (err instanceof ConfigError || err instanceof RulesError)
    return new CliError(err.message, EXIT.config);
  if (err instanceof RedisNotFoundError || err instanceof EvictionPolicyError)
    return new CliError(err.message, EXIT.failure);
  return undefined;
}
