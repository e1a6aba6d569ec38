import type { Queue } from 'bullmq';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { createStartQueues, type StartQueues } from '../queue/start-queues';
import type { Tracing } from '../telemetry/tracing';
import { describeMode, type ConnectMode, type RedisConnection } from '../redis/connect';
import { createProducerConnection, quit, waitForRedis } from '../redis/connections';
import type { SupervisedRedis } from '../redis/redis-supervisor';
import { startOwnRedis } from './own-redis';
import { assertNoEviction } from '../redis/redis-policy';
import { disconnectNow, type Closer } from './shutdown';
import type { StartJobData } from '../domain/start-job';

/** The service's Redis as the rest of it is wired on. */
export interface ServiceRedis {
  /** The embedded Redis, when `REDIS_URL` is unset in standalone mode. */
  embedded: SupervisedRedis | undefined;
  mode: ConnectMode;
  /** The standalone Redis (`REDIS_URL` or the embedded one); undefined in Sentinel and Cluster modes. */
  redisUrl: string | undefined;
  /** The receiver's connection (fails fast within the webhook's Redis budget). */
  producer: RedisConnection;
  /** Shard 0's queue: every start of the default account, and the queue the dashboard shows. */
  queue: Queue<StartJobData>;
  /** Every shard's queue, on the producer connection (see `createStartQueues`). */
  queues: StartQueues;
}

/**
 * Starts the embedded Redis if none is configured, connects the producer, refuses a Redis that
 * may evict keys, and opens the start queue. Each part is added to `closers` as it opens.
 */
export async function connectServiceRedis(
  config: Config,
  env: Record<string, string | undefined>,
  log: Logger,
  closers: Closer[],
  tracing: Tracing,
): Promise<ServiceRedis> {
  let embedded: SupervisedRedis | undefined;
  const configured = config.redis.mode;
  if (configured.kind === 'standalone' && configured.url === undefined) {
    embedded = await startOwnRedis(config, env, log, closers);
  }
  const mode: ConnectMode =
    configured.kind === 'standalone'
      ? { ...configured, url: configured.url ?? embedded!.url }
      : configured;
  const producer = createProducerConnection(mode, log, config.webhook.redisBudgetMs);
  closers.push({
    name: 'receiver redis connection',
    close: () => quit(producer),
    abort: () => producer.disconnect(),
  });
  await assertNoEviction(await waitForRedis(producer, log));
  log.info(describeMode(mode), 'redis connected');
  const queues = createStartQueues({
    connection: producer,
    prefix: config.redis.queuePrefix,
    shards: config.redis.queueShards,
    log,
    logRepeatIntervalMs: config.logRepeatIntervalMs,
    ...(tracing.bullmq && { telemetry: tracing.bullmq }),
  });
  const queue = queues.forShard(0);
  closers.push({
    name: 'queue',
    close: () => queues.close(),
    abort: () => queues.opened().forEach((q) => disconnectNow(q)()),
  });
  await queue.waitUntilReady();
  const redisUrl = mode.kind === 'standalone' ? mode.url : undefined;
  return { embedded, mode, redisUrl, producer, queue, queues };
}
