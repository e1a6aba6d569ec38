import { readProgress } from '../../src/domain/start-progress';
import { Redis } from 'ioredis';
import { startJobId } from '../../src/domain/start-job';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startPrivateRedis } from '../support/redis';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let admin: Redis;
let zoom: ZoomSandbox | undefined;
const services: TestService[] = [];
beforeEach(async () => {
  redis = await startPrivateRedis();
  admin = new Redis(redis.url);
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  await zoom?.close();
  zoom = undefined;
  admin.disconnect();
  await redis.stop();
});

async function start(env: Record<string, string> = {}): Promise<TestService> {
  const s = await startTestService({ REDIS_URL: redis.url, ...env }, zoom);
  services.push(s);
  return s;
}

async function readyz(s: TestService): Promise<{ status: number; body: { problems?: string[] } }> {
  const res = await fetch(`${s.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { problems?: string[] } };
}

it('is not ready while Redis refuses writes (maxmemory reached with noeviction), and ready again after', async () => {
  const s = await start();
  expect((await readyz(s)).status).toBe(200);
  await admin.config('SET', 'maxmemory', '1');
  const r = await readyz(s);
  expect(r.status).toBe(503);
  expect(r.body.problems).toEqual([expect.stringMatching(/^redis does not accept writes: OOM/)]);
  await admin.config('SET', 'maxmemory', '0');
  expect((await readyz(s)).status).toBe(200);
});

it('notices an eviction policy switched at run time, says so, and logs it', async () => {
  const s = await start({ READINESS_CHECK_INTERVAL_MS: '100' });
  expect((await readyz(s)).status).toBe(200);
  await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
  const r = await eventually(async () => {
    const got = await readyz(s);
    return got.status === 503 ? got : undefined;
  });
  expect(r.body.problems).toEqual([expect.stringContaining('maxmemory-policy is allkeys-lru')]);
  expect(s.logs.lines.filter((l) => l.policy === 'allkeys-lru')).toHaveLength(1);
});

it('ships with the eviction policy re-read every 30 s', async () => {
  const { loadConfig } = await import('../../src/config/load-config');
  expect(loadConfig({ ZOOM_WEBHOOK_SECRET_TOKEN: 'x' }, 'receiver').redis.checkIntervalMs).toBe(
    30_000,
  );
});

describe('worker credentials', () => {
  it('checks them at start-up: a wrong client secret makes the worker not ready, clearly logged, secret never printed', async () => {
    zoom = await startZoomSandbox();
    const s = await start({ ZOOM_CLIENT_SECRET: 'wrong-secret-value' });
    const r = await readyz(s);
    expect(r.status).toBe(503);
    expect(r.body.problems).toEqual([
      expect.stringContaining('zoom rejected the client credentials'),
    ]);
    expect(
      s.logs.lines.some((l) => /Zoom OAuth rejected the app credentials/.test(String(l.msg))),
    ).toBe(true);
    expect(s.logs.text()).not.toContain('wrong-secret-value');
    expect(zoom.requests.filter((q) => q.path.startsWith('/oauth/token'))).toHaveLength(1);
  });

  it('never starts streams on a token cached under other credentials after the secret changed', async () => {
    zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
    const first = await start();
    expect((await readyz(first)).status).toBe(200); // a token is now cached in Redis
    const prefix = first.prefix;
    await first.stop();
    services.splice(0);

    const second = await start({ QUEUE_PREFIX: prefix, ZOOM_CLIENT_SECRET: 'rotated-wrong' });
    expect((await readyz(second)).status).toBe(503);
    await post(second.url, signed(meetingEvent('meeting.started', { uuid: 'after-rotation' })));
    const jobId = startJobId('meeting', 'after-rotation');
    // The start waits for the right credentials (tried twice by now), never calling Zoom's API.
    const waiting = await eventually(async () => {
      const p = readProgress((await second.queue.getJob(jobId))?.progress);
      return p.attempts >= 2 && p.state === 'waiting' ? p : undefined;
    });
    expect(zoom.livestreamCalls()).toHaveLength(0);
    expect(waiting.reason).toBe('oauth_rejected');
    expect(waiting.history.at(-1)?.message).toMatch(/ZOOM_CLIENT_SECRET/);
  });
});

it('says in plain words that Redis is down, never the client library internals', async () => {
  const s = await start();
  await redis.stop();
  const r = await eventually(async () => {
    const got = await readyz(s);
    return got.status === 503 ? got : undefined;
  });
  expect(r.body.problems).toEqual([
    expect.stringMatching(
      /^redis does not accept writes: (not connected to Redis \(reconnecting\)|Redis refused the connection: nothing listens there \(is Redis running\?\))$/,
    ),
  ]);
});
