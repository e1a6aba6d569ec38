import type { Logger } from '../logging/create-logger';
import { connect, type ConnectMode, type RedisConnection } from './connect';

export type { RedisConnection } from './connect';

/**
 * The receiver's connection. A Redis that is down (refused, closed, not yet reconnected, a
 * master being replaced) fails a command at once: there is no offline queue, so a webhook gets a
 * 503 in milliseconds and Zoom redelivers. A Redis that is up but slow (a busy machine) is given
 * `commandTimeoutMs` to answer, which should stay under Zoom's 3 s so that even a 503 reaches
 * Zoom in time.
 * @see https://docs.bullmq.io/guide/going-to-production
 */
export function createProducerConnection(
  mode: ConnectMode,
  log: Logger,
  commandTimeoutMs = 2000,
): RedisConnection {
  return watch(
    connect(mode, {
      offlineQueue: false,
      // Commands issued in the same tick (EXISTS + the add) go out in one write: one round trip.
      autoPipelining: true,
      maxRetriesPerRequest: 1,
      commandTimeoutMs,
      connectTimeoutMs: 1000,
      retryDelay: (times) => Math.min(times * 100, 1000),
    }),
    log.child({ redis: 'producer' }),
  );
}

/**
 * Worker connections wait for Redis as long as it takes (BullMQ requires `maxRetriesPerRequest:
 * null`): an outage or a failover holds the jobs instead of failing their attempts.
 */
export function createWorkerConnection(
  mode: ConnectMode,
  log: Logger,
  name = 'worker',
): RedisConnection {
  return watch(
    connect(mode, {
      offlineQueue: true,
      // Fifty jobs in flight issue their writes in the same ticks: one socket write for all of them.
      autoPipelining: true,
      maxRetriesPerRequest: null,
      retryDelay: (times) => Math.min(times * 200, 2000),
    }),
    log.child({ redis: name }),
  );
}

/** The operator CLI's connection: one try, a clear failure. */
export function createToolConnection(mode: ConnectMode): RedisConnection {
  const connection = connect(mode, {
    offlineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeoutMs: 3000,
    retryDelay: () => null,
  });
  connection.on('error', () => undefined); // reported through the failing command
  return connection;
}

/** Logs when a connection goes down and when it is back, once per change, not per retry. */
function watch(connection: RedisConnection, log: Logger): RedisConnection {
  let down = false;
  connection.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn(
      { err: { message: err.message, code: (err as { code?: string }).code } },
      'redis unavailable',
    );
  });
  connection.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('redis connection restored');
  });
  return connection;
}
/** At start-up Redis may still be coming up (compose): wait up to 10 s for the connection. */
export async function waitForRedis(redis: RedisConnection, log: Logger): Promise<RedisConnection> {
  if (redis.status === 'ready') return redis;
  const slow = setTimeout(() => log.info('waiting for redis'), 1000);
  try {
    await withDeadline(new Promise((ready) => redis.once('ready', ready)), 10_000);
  } catch {
    throw new Error(
      'Redis did not answer within 10 s at start-up (check REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES)',
    );
  } finally {
    clearTimeout(slow);
  }
  return redis;
}

/** Closes politely, or at once when Redis is gone. */
export async function quit(redis: RedisConnection): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}

/** Rejects with a `DeadlineError` when `promise` has not settled within `ms`. */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(ms)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export class DeadlineError extends Error {
  override name = 'DeadlineError' as const;
  readonly code = 'DEADLINE_EXCEEDED';
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}
