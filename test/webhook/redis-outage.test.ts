import { startPrivateRedis } from '../support/redis';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded-redis';

let redis: EmbeddedRedis & { dir: string };
let service: TestService;

beforeEach(async () => {
  redis = await startPrivateRedis();
  service = await startTestService({ ROLE: 'receiver', REDIS_URL: redis.url });
});
afterEach(async () => {
  await service.stop();
  await redis.stop();
});

async function timedPost(uuid: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await post(service.url, signed(meetingEvent('meeting.started', { uuid })));
  return { status: res.status, ms: performance.now() - started };
}

it('answers 503 within a second while Redis is down, and 204 again once it is back, without a restart', async () => {
  expect((await timedPost('before')).status).toBe(204);

  redis.kill();
  await eventually(async () => (await fetch(`${service.url}/readyz`)).status === 503);
  const down = await timedPost('while-down');
  expect(down.status).toBe(503);
  expect(down.ms).toBeLessThan(1000);

  // Same port, same AOF directory: what was acknowledged before the crash is still there.
  redis = {
    ...(await startEmbeddedRedis({ dataDir: redis.dir, port: redis.port, env: process.env })),
    dir: redis.dir,
  };
  await eventually(async () => (await timedPost('after')).status === 204, 10_000, 100);
  expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  const ids = (await service.queue.getJobs(['waiting'])).map((j) => j.data.uuid).sort();
  expect(ids).toEqual(['after', 'before']);
});

it('answers 503 within a second when Redis hangs', async () => {
  process.kill(redis.pid, 'SIGSTOP');
  try {
    const hung = await timedPost('hung');
    expect(hung.status).toBe(503);
    expect(hung.ms).toBeLessThan(1000);
  } finally {
    process.kill(redis.pid, 'SIGCONT');
  }
  await eventually(async () => (await timedPost('resumed')).status === 204, 10_000, 100);
});
