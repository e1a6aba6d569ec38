import { resolve } from 'node:path';
import {
  ConfigError,
  loadConfig,
  loadToolConfig,
  runsReceiver,
  type Config,
} from '../config/load-config';
import { createLogger } from '../logging/create-logger';
import { describeMode, type ConnectMode, type RedisConnection } from '../redis/connect';
import { createProducerConnection } from '../redis/connections';
import {
  EmbeddedRedisBusyError,
  startEmbeddedRedis,
  type EmbeddedRedis,
} from '../redis/embedded-redis';
import { checkAccounts } from './account-checks';
import { fail, ok, type CheckResult } from './checklist';
import { checkRedis, redisWhere } from './redis-checks';

export interface DoctorOptions {
  /** Check only this account (the deployment's own checks still run). */
  account?: string;
}

/**
 * Every check of a deployment, from the configuration the service would run with (`env`), with
 * the connection code the service uses, and every account's checks (or one account's). Never
 * returns a secret in any text.
 */
export async function runDoctor(
  env: Record<string, string | undefined>,
  cwd: string,
  options: DoctorOptions = {},
): Promise<CheckResult[]> {
  const { config, results } = checkConfiguration(env);
  // With an invalid configuration, Redis can still be checked when its own variables are right.
  let redisConfig: Config | undefined = config;
  try {
    redisConfig ??= loadToolConfig(env);
  } catch {
    results.push({
      status: 'info',
      title: 'Other checks skipped until the configuration is valid',
    });
    return results;
  }
  if (config && runsReceiver(config.role) && config.accountsFile === undefined)
    results.push(
      ok('Webhook secret token set', `${config.webhook.secrets.length} secret token(s) accepted`),
    );

  const redis = await openRedis(redisConfig, env, cwd, results);
  try {
    if (redis.connection)
      results.push(
        ...(await checkRedis(redis.connection, redis.where, redisConfig.redis.queuePrefix)),
      );
    if (config) results.push(...(await checkAccounts(config, env, options.account)));
  } finally {
    redis.connection?.disconnect();
    await redis.embedded?.stop();
  }
  return results;
}

/** The service's configuration loads, or which variables are wrong. */
function checkConfiguration(env: Record<string, string | undefined>): {
  config: Config | undefined;
  results: CheckResult[];
} {
  try {
    const config = loadConfig(env);
    return { config, results: [ok('Configuration valid', `role ${config.role}`)] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const fix =
      'set or correct each variable named (.env.example and docs/configuration.md list them all)';
    return {
      config: undefined,
      results: [fail('Configuration valid', err.problems.join('\n'), fix)],
    };
  }
}

interface OpenedRedis {
  /** Unset when no Redis could be reached to connect to (the failure is in the results). */
  connection?: RedisConnection;
  embedded?: EmbeddedRedis;
  /** Where the connection goes, for the checks' text. */
  where: string;
}

/**
 * A connection to the configured Redis, starting the embedded one when no URL is set (as the
 * service does); a failure to start it goes into `results`.
 */
async function openRedis(
  config: Config,
  env: Record<string, string | undefined>,
  cwd: string,
  results: CheckResult[],
): Promise<OpenedRedis> {
  const configured = config.redis.mode;
  let embedded: EmbeddedRedis | undefined;
  let url = configured.kind === 'standalone' ? configured.url : undefined;
  if (configured.kind === 'standalone' && url === undefined) {
    try {
      embedded = await startEmbeddedRedis({ dataDir: resolve(cwd, config.redis.dataDir), env });
      url = embedded.url;
    } catch (err) {
      results.push(embeddedFailure(err));
    }
  }
  const mode: ConnectMode | undefined =
    configured.kind !== 'standalone'
      ? configured
      : url !== undefined
        ? { ...configured, url }
        : undefined;
  if (!mode) return { where: '' };
  try {
    const connection = createProducerConnection(mode, createLogger('silent'), 5000);
    const where =
      mode.kind === 'standalone' ? redisWhere(mode.url) : JSON.stringify(describeMode(mode));
    return {
      connection,
      ...(embedded && { embedded }),
      where: embedded ? `embedded Redis (${where})` : where,
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

/** The embedded Redis could not be used: the service's is down, or none could be started. */
function embeddedFailure(err: unknown): CheckResult {
  if (err instanceof EmbeddedRedisBusyError)
    return fail(
      'Redis reachable',
      err.message,
      `wait a few seconds and run doctor again; the service's log says "embedded redis exited" and "embedded redis restarted". If no process ${err.ownerPid} runs the service, delete ${err.dir}/embedded.json`,
    );
  return fail(
    'Redis reachable',
    `embedded Redis did not start: ${(err as Error).message}`,
    'install redis-server, or set REDIS_URL to your Redis',
  );
}
