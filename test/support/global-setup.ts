import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded-redis';

declare global {
  var __testRedis: EmbeddedRedis | undefined;
}

/** One real Redis for the run (random port, temp dir) unless REDIS_URL points at one. */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'zlw-test-redis-'));
  globalThis.__testRedis = await startEmbeddedRedis({ dataDir: dir, env: process.env });
  process.env.REDIS_URL = globalThis.__testRedis.url;
}
