import { AccountsError } from '../accounts/account-types';
import { ConfigError, loadConfig } from '../config/load-config';
import { createLogger, resolveLogFormat } from '../logging/create-logger';
import { EmbeddedRedisBusyError, RedisNotFoundError } from '../redis/embedded-redis';
import { RulesError } from '../policy/rules';
import { withDeadline } from '../redis/connections';
import { EvictionPolicyError } from '../redis/redis-policy';
import { runService } from '../service/run-service';
import { SHUTDOWN_MARGIN_MS } from '../service/shutdown';
import { noTracing, startTracing } from '../telemetry/tracing';
import { CliError, EXIT, type CliIo } from './io';

/**
 * `start [--role]`: runs until SIGTERM/SIGINT, then shuts down within SHUTDOWN_TIMEOUT_MS (plus
 * the margin) and returns 0, or 1 when the timeout cut something off; 69 when the embedded Redis
 * gave up. With tracing on, the last spans are flushed to the exporter (bounded) before it returns.
 */
export async function startCommand(io: CliIo, options: { role?: string }): Promise<number> {
  const config = loadConfig(io.env, options.role);
  const tty = process.stdout.isTTY === true;
  // Off, nothing of the SDK loads; on, the logger and the service are handed it.
  const tracing = await startTracing(config.tracing);
  const log = createLogger(config.logLevel, undefined, {
    format: resolveLogFormat(config.logFormat, tty),
    colorize: tty,
    ...(tracing && { traceFields: tracing.logFields }),
  });
  try {
    const service = await runService(config, log, io.env, tracing ?? noTracing);
    io.onReload(() => service.reloadRules());
    const why = await Promise.race([
      io.stopSignal().then((signal) => ({ signal })),
      service.failed.then((reason) => ({ reason })),
    ]);
    if ('signal' in why) log.info({ signal: why.signal }, 'shutting down');
    else log.error({ reason: why.reason }, 'shutting down: the embedded Redis cannot be kept up');
    const { clean } = await service.close();
    log.info({ clean }, 'stopped');
    if ('reason' in why) return EXIT.redisGaveUp;
    return clean ? EXIT.ok : EXIT.failure;
  } finally {
    if (tracing) await withinMargin(tracing.shutdown());
  }
}

/** Start-up errors users can fix, as one clear line and an exit code; anything else is a bug. */
export function explainStartError(err: unknown): CliError | undefined {
  if (err instanceof ConfigError || err instanceof RulesError || err instanceof AccountsError)
    return new CliError(err.message, EXIT.config);
  if (
    err instanceof RedisNotFoundError ||
    err instanceof EvictionPolicyError ||
    err instanceof EmbeddedRedisBusyError
  )
    return new CliError(err.message, EXIT.failure);
  return undefined;
}

/** An exporter that does not answer must not hold the exit past the shutdown margin. */
async function withinMargin(work: Promise<unknown>): Promise<void> {
  await withDeadline(work, SHUTDOWN_MARGIN_MS).catch(() => undefined);
}
