import { Queue } from 'bullmq';
import { ALERT_QUEUE } from '../../src/alerts/alerts';
import { type StartResult, readProgress } from '../../src/domain/start-progress';
import { startJobId } from '../../src/domain/start-job';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { uniquePrefix } from '../support/redis';
import { eventually, finishedJob, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let sink: HttpSink;
const services: TestService[] = [];
beforeEach(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  sink = await startHttpSink();
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  await sink.close();
  await zoom.close();
});

const WRONG = 'wrong-secret-7f3a9c';
const MEETINGS = Array.from({ length: 10 }, (_, i) => 86200000000 + i);
const jobIdOf = (id: number) => startJobId('meeting', `cred-${id}`);
const statusCalls = () => zoom.requests.filter((r) => r.path.endsWith('/livestream/status'));

it('a rejected client secret keeps the starts waiting (one alert, /readyz 503) until a worker with the right one starts them', async () => {
  const prefix = uniquePrefix();
  const env = {
    QUEUE_PREFIX: prefix,
    ALERT_WEBHOOK_URL: sink.url,
    WORKER_CONCURRENCY: '20',
    LIVESTREAM_BACKOFF_BASE_MS: '100',
    LIVESTREAM_BACKOFF_MAX_MS: '800',
    LIVESTREAM_GIVE_UP_AFTER_MS: '120000',
  };
  // A fleet of two workers restarted with a wrong secret.
  const wrong = await startTestService({ ...env, ZOOM_CLIENT_SECRET: WRONG }, zoom);
  services.push(wrong);
  const wrongToo = await startTestService({ ...env, ZOOM_CLIENT_SECRET: WRONG }, zoom);
  services.push(wrongToo);
  for (const id of MEETINGS) {
    const res = await post(
      wrong.url,
      signed(meetingEvent('meeting.started', { id, uuid: `cred-${id}` })),
    );
    expect(res.status).toBe(204);
  }
  // Every start waits on the backoff and has been tried several times, by both: none failed.
  for (const id of MEETINGS) {
    const job = await eventually(async () => {
      const j = await wrong.queue.getJob(jobIdOf(id));
      const p = readProgress(j?.progress);
      return p.attempts >= 3 && p.state === 'waiting' ? p : undefined;
    });
    expect(job).toMatchObject({ reason: 'oauth_rejected' });
    expect(job.history.at(-1)?.message).toContain('check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID');
    expect(await wrong.queue.getJobState(jobIdOf(id))).not.toBe('failed');
  }
  expect(statusCalls()).toEqual([]);
  const ready = await fetch(`${wrong.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(JSON.stringify(await ready.json())).toContain('zoom rejected the client credentials');

  // One alert for the deployment, not one per waiting start or per worker (30 attempts by now).
  await eventually(() => sink.received.length >= 1);
  const alerts = new Queue(ALERT_QUEUE, { connection: wrong.queue.opts.connection, prefix });
  const counts = await alerts.getJobCounts();
  await alerts.close();
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
  expect(sink.received).toHaveLength(1);
  expect(sink.received[0]!.body).toMatchObject({
    type: 'credentials_rejected',
    reason: expect.stringContaining('Zoom OAuth rejected the app credentials'),
  });
  expect(
    wrong.logs.lines.filter((l) => l.level === 50 && String(l.msg).includes('OAuth rejected')),
  ).toHaveLength(1); // once per process
  expect(
    wrongToo.logs.lines.some(
      (l) => l.msg === 'livestream start deferred' && l.reason === 'oauth_rejected',
    ),
  ).toBe(true);

  // The fix is deployed: a worker with the right secret joins, and the waiting starts go through.
  const right = await startTestService(env, zoom);
  services.push(right);
  for (const id of MEETINGS) {
    const job = await finishedJob(right, jobIdOf(id), 30_000);
    const result = job.returnvalue as StartResult;
    expect(result.state).toBe('started');
    expect(result.latencyMs).toBeLessThan(120_000); // within the deadline
  }
  expect([...zoom.started].sort()).toEqual(MEETINGS.map(String));
  expect((await fetch(`${right.url}/readyz`)).status).toBe(200);
  expect(wrong.logs.text() + right.logs.text()).not.toContain(WRONG);
  expect(JSON.stringify(sink.received)).not.toContain(WRONG);
}, 60_000);
