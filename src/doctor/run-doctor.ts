import { resolve } from 'node:path';
import {
  ConfigError,
  loadConfig,
  loadToolConfig,
  runsReceiver,
  runsWorker,
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
import { createZoomDispatcher } from '../zoom/http';
import { tokenFetcher } from '../zoom/zoom-stack';
import { fail, ok, type CheckResult } from './checklist';
import { checkRedis, redisWhere } from './redis-checks';
import { checkAlerts, checkRules } from './setup-checks';
import { checkZoom } from './zoom-checks';

/**
 * Every check of a deployment, from the configuration the service would run with (`env`), with
 * the connection code the service uses. Never returns a secret in any text.
 */
export async function runDoctor(
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let config: Config | undefined;
  try {
    config = loadConfig(env);
    results.push(ok('Configuration valid', `role ${config.role}`));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    results.push(
      fail(
        'Configuration valid',
        err.problems.join('\n'),
        'set or correct each variable named (.env.example and docs/configuration.md list them all)',
      ),
    );
  }
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
  if (config && runsReceiver(config.role))
    results.push(
      ok('Webhook secret token set', `${config.webhook.secrets.length} secret token(s) accepted`),
    );

  const silent = createLogger('silent');
  let embedded: EmbeddedRedis | undefined;
  let redis: RedisConnection | undefined;
  try {
    const configured = redisConfig.redis.mode;
    let url = configured.kind === 'standalone' ? configured.url : undefined;
    if (configured.kind === 'standalone' && url === undefined) {
      try {
        embedded = await startEmbeddedRedis({
          dataDir: resolve(cwd, redisConfig.redis.dataDir),
          env,
        });
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
    if (mode) {
      redis = createProducerConnection(mode, silent, 5000);
      const where =
        mode.kind === 'standalone' ? redisWhere(mode.url) : JSON.stringify(describeMode(mode));
      results.push(
        ...(await checkRedis(
          redis,
          embedded ? `embedded Redis (${where})` : where,
          redisConfig.redis.queuePrefix,
        )),
      );
    }
    if (config && runsWorker(config.role)) {
      // One OAuth request, as the worker's token provider makes it (not the token shared in
      // Redis, which could hide a secret changed since).
      const dispatcher = createZoomDispatcher(config.zoom.httpTimeoutMs);
      try {
        results.push(...(await checkZoom(tokenFetcher(config, dispatcher))));
        results.push(checkRules(config.livestream.rulesFile, env));
        results.push(await checkAlerts(config, dispatcher));
      } finally {
        await dispatcher.destroy();
      }
    }
  } finally {
    redis?.disconnect();
    await embedded?.stop();
  }
  return results;
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
