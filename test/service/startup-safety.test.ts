import { loadConfig } from '../../src/config/load-config';
import { runService } from '../../src/service/run-service';
import { EvictionPolicyError } from '../../src/redis/redis-policy';
import { cli } from '../support/cli';
import { captureLog } from '../support/log-capture';
import { startPrivateRedis } from '../support/redis';

it('refuses to start on a Redis that may evict keys, and says how to fix it', async () => {
  const redis = await startPrivateRedis(['--maxmemory-policy', 'allkeys-lru']);
  try {
    const config = loadConfig({
      ROLE: 'receiver',
      REDIS_URL: redis.url,
      PORT: '0',
      ZOOM_WEBHOOK_SECRET_TOKEN: 's',
    });
    await expect(runService(config, captureLog().log)).rejects.toBeInstanceOf(EvictionPolicyError);
    const run = await cli(['start', '--role', 'receiver'], {
      REDIS_URL: redis.url,
      PORT: '0',
      ZOOM_WEBHOOK_SECRET_TOKEN: 's',
    });
    expect(run.code).toBe(1);
    expect(run.err).toContain('maxmemory-policy is "allkeys-lru"');
    expect(run.err).toContain('noeviction');
  } finally {
    await redis.stop();
  }
});
