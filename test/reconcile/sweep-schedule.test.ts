import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { RECONCILE_QUEUE, SWEEP_SCHEDULER } from '../../src/reconcile/reconcile-runner';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { tempFile } from '../support/files';
import { redisUrl, uniquePrefix } from '../support/redis';
import { moreSweeps, sweeps } from '../support/reconcile';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
const services: TestService[] = [];
beforeEach(async () => {
  zoom = await startZoomSandbox();
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  await zoom.close();
});

const meetingLists = () => zoom.listCalls().filter((r) => r.path.includes('/meetings'));

it('two workers sweep once per interval between them, not once each', async () => {
  const prefix = uniquePrefix();
  const env = {
    QUEUE_PREFIX: prefix,
    RECONCILE_USERS: 'sandbox-host',
    RECONCILE_INTERVAL_MS: '1000',
    PREFLIGHT_LEAD_MS: '0', // one list call per sweep
  };
  services.push(await startTestService(env, zoom), await startTestService(env, zoom));
  const [a, b] = services as [TestService, TestService];
  const began = Date.now();
  await eventually(() => sweeps(a).length + sweeps(b).length >= 5, 15_000);
  const elapsed = Date.now() - began;
  const total = sweeps(a).length + sweeps(b).length;
  expect(meetingLists()).toHaveLength(total);
  // One sweep per interval (plus the one each due time that was already there at start-up).
  expect(total).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 2);
  const times = meetingLists().map((r) => r.at);
  for (let i = 1; i < times.length; i++)
    expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
});

it('follows next_page_token through several pages of users and of meetings', async () => {
  // 301 users (2 pages of 300), the last one hosting 301 live meetings (2 pages): only the last
  // meeting is one a rule streams.
  for (let i = 1; i <= 300; i++) zoom.users.push({ id: `u-${i}`, email: `u${i}@example.com` });
  for (let i = 0; i <= 300; i++)
    zoom.declareMeeting({ id: 86000000000 + i, hostId: 'u-300', uuid: `page-${i}==` });
  const rules = tempFile(
    'rules.yaml',
    'rules:\n  - name: last\n    match: { meeting_ids: [86000000300] }\n    action: stream\n',
  );
  const s = await startTestService(
    {
      RECONCILE_USERS: 'all',
      RECONCILE_INTERVAL_MS: '1000',
      PREFLIGHT_LEAD_MS: '0',
      LIVESTREAM_RULES_FILE: rules,
      ZOOM_MAX_REQUESTS_PER_SECOND: '1000',
    },
    zoom,
  );
  services.push(s);
  await eventually(() => zoom.started.has('86000000300'), 20_000);
  const paths = zoom.listCalls().map((r) => r.path);
  const userPages = paths.filter((p) => p.startsWith('/v2/users?'));
  expect(userPages[0]).not.toContain('next_page_token');
  expect(userPages[1]).toContain('next_page_token=');
  const last = paths.filter((p) => p.startsWith('/v2/users/u-300/meetings?'));
  expect(last[0]).not.toContain('next_page_token');
  expect(last[1]).toContain('next_page_token=');
  expect(zoom.started).toEqual(new Set(['86000000300']));
  // Zoom has answered the start; the worker records the job as completed a moment later.
  await eventually(async () => (await s.queue.getJobCounts('completed')).completed === 1);
});

it('a 429 on a list call backs off the sweeps and does not hold back starts', async () => {
  const s = await startTestService(
    { RECONCILE_USERS: 'sandbox-host', RECONCILE_INTERVAL_MS: '1000', PREFLIGHT_LEAD_MS: '0' },
    zoom,
  );
  services.push(s);
  await moreSweeps(s, 1);
  zoom.scriptGets({
    status: 429,
    body: {
      code: 429,
      message: 'You have reached the maximum per-second rate limit for this API.',
    },
    headers: { 'retry-after': '3' },
  });
  const limited = await eventually(() =>
    moreSweeps(s, 1).then((l) => l.find((x) => x.stoppedBy === 'rate_limited')),
  );
  expect(limited).toMatchObject({ backoffMs: expect.any(Number) });
  const limitedAt = zoom.listCalls().at(-1)!.at;
  // A start during the back-off goes out at once, the pacer is not paused for it.
  const webhookAt = Date.now();
  await post(s.url, signed(meetingEvent('meeting.started', { uuid: 'during-backoff' })));
  await eventually(() => zoom.livestreamCalls().length >= 1);
  expect(zoom.livestreamCalls()[0]!.at - webhookAt).toBeLessThan(1000);
  const redis = new Redis(redisUrl());
  expect(await redis.exists(`${s.prefix}:zoom:paused`)).toBe(0);
  redis.disconnect();
  // Sweeps resume after Retry-After and find a meeting that went live meanwhile.
  zoom.declareMeeting({ id: 85040000000 });
  await eventually(() => zoom.started.has('85040000000'), 15_000);
  const next = zoom.listCalls().find((r) => r.at > limitedAt)!;
  expect(next.at - limitedAt).toBeGreaterThanOrEqual(2900);
});

it('runs every 60 s by default (RECONCILE_INTERVAL_MS=60000), and not at all with 0', async () => {
  const s = await startTestService({ RECONCILE_USERS: 'sandbox-host' }, zoom);
  services.push(s);
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queue = new Queue(RECONCILE_QUEUE, { connection, prefix: s.prefix });
  try {
    expect(await queue.getJobScheduler(SWEEP_SCHEDULER)).toMatchObject({ every: 60000 });
    await moreSweeps(s, 1); // the first sweep runs at once
    await s.stop();
    services.pop();
    services.push(
      await startTestService({ QUEUE_PREFIX: s.prefix, RECONCILE_INTERVAL_MS: '0' }, zoom),
    );
    expect(await queue.getJobScheduler(SWEEP_SCHEDULER)).toBeUndefined();
  } finally {
    await queue.close();
    connection.disconnect();
  }
});
