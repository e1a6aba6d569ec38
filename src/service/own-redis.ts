import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { startEmbeddedRedis } from '../redis/embedded-redis';
import { superviseEmbeddedRedis, type SupervisedRedis } from '../redis/redis-supervisor';
import { SHUTDOWN_MARGIN_MS, type Closer } from './shutdown';

/**
 * The embedded Redis under `REDIS_DATA_DIR`, owned by this process (recorded in the directory),
 * restarted on the same port when it exits, and stopped last at shutdown.
 */
export async function startOwnRedis(
  config: Config,
  env: Record<string, string | undefined>,
  log: Logger,
  closers: Closer[],
): Promise<SupervisedRedis> {
  const options = { dataDir: config.redis.dataDir, env, claim: true };
  const first = await startEmbeddedRedis(options);
  log.info(
    { port: first.port, dataDir: config.redis.dataDir, reused: !first.owned },
    'embedded redis started',
  );
  const redis = superviseEmbeddedRedis(first, {
    restart: () => startEmbeddedRedis({ ...options, port: first.port }),
    policy: config.redis.embeddedRestart,
    log: log.child({ component: 'embedded-redis' }),
  });
  closers.push({
    name: 'embedded redis',
    close: () => redis.stop(),
    abort: () => redis.stop(SHUTDOWN_MARGIN_MS / 2),
  });
  return redis;
}
