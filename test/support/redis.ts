import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded-redis';

export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is set by the global setup');
  return url;
}

/** A queue prefix no other test uses, so tests share one Redis without seeing each other. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** A Redis of the test's own, for tests that stop or break it. */
export async function startPrivateRedis(
  extraArgs: string[] = [],
  port?: number,
): Promise<EmbeddedRedis & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'zlw-private-redis-'));
  const redis = await startEmbeddedRedis({
    dataDir: dir,
    extraArgs,
    env: process.env,
    ...(port !== undefined && { port }),
  });
  return { ...redis, dir };
}
