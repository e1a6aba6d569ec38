import { resolve } from 'node:path';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadToolConfig, type Config } from '../config/load-config';
import { createLogger } from '../logging/create-logger';
import { createStartQueue, type StartJobData } from '../queue/start-queue';
import { startEmbeddedRedis } from '../redis/embedded-redis';
import { CliError, EXIT, type CliIo } from './io';

/**
 * Runs `fn` with the start queue the service uses: `REDIS_URL`, or the embedded Redis under
 * `REDIS_DATA_DIR` (the running one when the service is up, else started just for this command,
 * so a `trigger` is stored and picked up when the service starts).
 */
export async function withToolQueue<T>(
  io: CliIo,
  fn: (queue: Queue<StartJobData>, connection: Redis) => Promise<T>,
  config: Config = loadToolConfig(io.env),
): Promise<T> {
  const embedded = config.redis.url
    ? undefined
    : await startEmbeddedRedis({ dataDir: resolve(io.cwd, config.redis.dataDir), env: io.env });
  const url = config.redis.url ?? embedded!.url;
  const connection = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  connection.on('error', () => undefined); // reported through the failing command below
  const queue = createStartQueue(connection, config.redis.queuePrefix, createLogger('silent'));
  try {
    await queue.waitUntilReady().catch(() => {
      throw new CliError(`cannot reach Redis at ${redact(url)}`, EXIT.failure);
    });
    return await fn(queue, connection);
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
    await embedded?.stop();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
