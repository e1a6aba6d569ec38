import { Redis } from 'ioredis';
import type { Logger } from '../logging/create-logger';

/**
 * The receiver's connection. A Redis that is down (refused, closed, not yet reconnected) fails a
 * command at once: there is no offline queue, so a webhook gets a 503 in milliseconds and Zoom
 * redelivers. A Redis that is up but slow (a busy machine) is given `commandTimeoutMs` to answer,
 * which should stay under Zoom's 3 s so that even a 503 reaches Zoom in time.
 * @see https://docs.bullmq.io/guide/going-to-production
 */
export function createProducerConnection(url: string, log: Logger, commandTimeoutMs = 2000): Redis {
  return watch(
    new Redis(url, {
      enableOfflineQueue: false,
      // Commands issued in the same tick (EXISTS + the add) go out in one write: one round trip.
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      commandTimeout: commandTimeoutMs,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    }),
    log.child({ redis: 'producer' }),
  );
}

/** Worker connections wait for Redis as long as it takes (BullMQ requires `maxRetriesPerRequest: null`). */
export function createWorkerConnection(url: string, log: Logger, name = 'worker'): Redis {
  return watch(
    new Redis(url, {
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    }),
    log.child({ redis: name }),
  );
}

/** Logs when a connection goes down and when it is back, once per change, not per retry. */
function watch(connection: Redis, log: Logger): Redis {
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
