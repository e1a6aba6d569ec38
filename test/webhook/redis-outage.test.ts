import { Redis } from 'ioredis';
import { startPrivateRedis } from '../support/redis';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded-redis';

let redis: EmbeddedRedis & { dir: string };
let service: TestService | undefined;

beforeEach(async () => {
  redis = await startPrivateRedis();
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await redis.stop();
});

const start = (env: Record<string, string> = {}) =>
  startTestService({ ROLE: 'receiver', REDIS_URL: redis.url, ...env });

async function timedPost(uuid: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await post(service!.url, signed(meetingEvent('meeting.started', { uuid })));
  return { status: res.status, ms: performance.now() - started };
}

it('answers 503 at once while Redis is down, not after the budget, and 204 again once it is back', async () => {
  // A 10 s budget: a 503 within a second shows a refused connection is not waited on.
  service = await start({ WEBHOOK_REDIS_BUDGET_MS: '10000', HTTP_IDLE_TIMEOUT_MS: '15000' });
  expect((await timedPost('before')).status).toBe(204);

  redis.kill();
  await eventually(async () => (await fetch(`${service!.url}/readyz`)).status === 503);
  const down = await timedPost('while-down');
  expect(down.status).toBe(503);
  // Refused at once (ioredis' offline queue is off), not after the budget: the decision as logged.
  // How fast, in milliseconds, is checked in test/faults/redis.fault.ts.
  const refused = service.logs.lines.find((l) => l.status === 503 && l.outcome === 'unavailable');
  expect(JSON.stringify(refused?.err)).toMatch(/writeable|ECONNREFUSED|closed/i);
  expect(JSON.stringify(refused?.err)).not.toContain('no answer within');

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

it('answers 503 after WEBHOOK_REDIS_BUDGET_MS when Redis hangs, still before Zoom gives up (3 s)', async () => {
  service = await start({ WEBHOOK_REDIS_BUDGET_MS: '1500' });
  expect((await timedPost('before')).status).toBe(204);
  process.kill(redis.pid, 'SIGSTOP');
  try {
    const hung = await timedPost('hung');
    expect(hung.status).toBe(503);
    expect(hung.ms).toBeGreaterThanOrEqual(1450); // it waited out the budget
    // and then gave up on it (well before Zoom's 3 s), as logged when it decided:
    expect(service.logs.text()).toMatch(/"message":"no answer within 1500 ms"[^\n]*"status":503/);
  } finally {
    process.kill(redis.pid, 'SIGCONT');
  }
  await eventually(async () => (await timedPost('resumed')).status === 204, 10_000, 100);
});

it('stores the job and answers 204 when Redis is slow but alive (a 1 s stall, default budget)', async () => {
  service = await start();
  expect((await timedPost('warm-up')).status).toBe(204);
  const admin = new Redis(redis.url);
  try {
    await admin.client('PAUSE', 1000, 'ALL'); // every client's commands wait 1 s
    const slow = await timedPost('slow');
    expect(slow.ms).toBeGreaterThanOrEqual(900); // the pause did hold the webhook up
    expect(slow.status).toBe(204);
  } finally {
    await admin.client('UNPAUSE').catch(() => undefined);
    admin.disconnect();
  }
  const job = (await service.queue.getJobs(['waiting'])).find((j) => j.data.uuid === 'slow');
  expect(job?.data.meetingId).toBe('85012345678');
});
