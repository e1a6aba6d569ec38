import { resolve } from 'node:path';
import { loadToolConfig, type Config } from '../config/load-config';
import { createLogger } from '../logging/create-logger';
import { createStartQueues, type StartQueues } from '../queue/start-queues';
import { describeMode, type ConnectMode, type RedisConnection } from '../redis/connect';
import { createToolConnection } from '../redis/connections';
import { EmbeddedRedisBusyError, startEmbeddedRedis } from '../redis/embedded-redis';
import { plainRedisError } from '../redis/redis-errors';
import { CliError, EXIT, type CliIo } from './io';

/**
 * Runs `fn` with the start queues the service uses (every shard: `QUEUE_SHARDS` and every shard an
 * account was placed in), in the service's Redis mode: `REDIS_URL`,
 * Sentinel, Cluster, or the embedded Redis under `REDIS_DATA_DIR`: the running one when it
 * answers; none while the service that owns the directory restarts it (a second server on the same
 * files would corrupt them); else one started just for this command, so a `trigger` is stored and
 * picked up when the service starts.
 */
export async function withToolQueues<T>(
  io: CliIo,
  fn: (queues: StartQueues, connection: RedisConnection) => Promise<T>,
  config: Config = loadToolConfig(io.env),
): Promise<T> {
  const configured = config.redis.mode;
  const embedded =
    configured.kind === 'standalone' && configured.url === undefined
      ? await startEmbeddedRedis({
          dataDir: resolve(io.cwd, config.redis.dataDir),
          env: io.env,
        }).catch((err: unknown) => {
          if (err instanceof EmbeddedRedisBusyError)
            throw new CliError(`${err.message}; try again in a few seconds`, EXIT.failure);
          throw err;
        })
      : undefined;
  const mode: ConnectMode =
    configured.kind === 'standalone'
      ? { ...configured, url: configured.url ?? embedded!.url }
      : configured;
  const connection = createToolConnection(mode);
  const queues = createStartQueues({
    connection,
    prefix: config.redis.queuePrefix,
    shards: config.redis.queueShards,
    log: createLogger('silent'),
  });
  try {
    await queues
      .forShard(0)
      .waitUntilReady()
      .catch((err: unknown) => {
        throw new CliError(
          `cannot reach Redis (${where(mode)}): ${plainRedisError(err)}`,
          EXIT.failure,
        );
      });
    return await fn(queues, connection);
  } finally {
    await queues.close().catch(() => undefined);
    connection.disconnect();
    await embedded?.stop();
  }
}

/** Where we tried, without a password. */
function where(mode: ConnectMode): string {
  const d = describeMode(mode);
  if (mode.kind === 'standalone') return `at ${String(d.url)}`;
  if (mode.kind === 'sentinel')
    return `master ${mode.masterName} via sentinels ${(d.sentinels as string[]).join(', ')}`;
  return `cluster nodes ${(d.nodes as string[]).join(', ')}`;
}
