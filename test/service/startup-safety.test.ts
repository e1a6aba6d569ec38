import { loadConfig } from '../../src/config/load-config';
import { runService } from '../../src/service/run-service';
import { EvictionPolicyError } from '../../src/redis/redis-policy';
import { cli } from '../support/cli';
import { captureLog } from '../support/log-capture';
import { startPrivateRedis } from '../support/redis';

// Whatever the test's outcome (even a timeout), what it started is stopped here, last first: a
// service that started although it should not have can no longer keep jest from exiting.
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

it('refuses to start on a Redis that may evict keys, and says how to fix it', async () => {
  const redis = await startPrivateRedis(['--maxmemory-policy', 'allkeys-lru']);
  cleanup.push(() => redis.stop());
  const config = loadConfig({
    ROLE: 'receiver',
    REDIS_URL: redis.url,
    PORT: '0',
    ZOOM_WEBHOOK_SECRET_TOKEN: 's',
  });
  const started = runService(config, captureLog().log);
  cleanup.push(() => started.then((service) => service.close()).catch(() => undefined));
  await expect(started).rejects.toBeInstanceOf(EvictionPolicyError);

  let stop: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const command = cli(
    ['start', '--role', 'receiver'],
    { REDIS_URL: redis.url, PORT: '0', ZOOM_WEBHOOK_SECRET_TOKEN: 's' },
    stopped,
  );
  cleanup.push(() => (stop('SIGTERM'), command));
  const run = await command;
  expect(run.code).toBe(1);
  expect(run.err).toContain('maxmemory-policy is "allkeys-lru"');
  expect(run.err).toContain('noeviction');
});
