import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { readProgress } from '../../src/domain/start-progress';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import { startHttpSink } from '../support/http-sink';
import { eventually } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { createFaultWorld, startsPerMeeting, type FaultWorld } from './processes';

let world: FaultWorld;
let connection: Redis;
let queue: Queue<StartJobData>;
beforeEach(async () => {
  world = await createFaultWorld(0);
  connection = new Redis(world.redis.url, { maxRetriesPerRequest: null });
  queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix: 'faults' });
  queue.on('error', () => undefined);
});
afterEach(async () => {
  await queue.close();
  connection.disconnect();
  await world.close();
});

const finalState = (jobId: string) =>
  eventually(async () => {
    const state = await queue.getJobState(jobId);
    return state === 'completed' || state === 'failed' ? state : undefined;
  }, 60_000);

it('Zoom hangs, resets the connection, answers garbage: timeouts, bounded retries, then started', async () => {
  const app = await world.service('all');
  world.zoom.script({ hang: true }, { reset: true }, { garbage: true });
  await post(app.url, signed(meetingEvent('meeting.started', { uuid: 'flaky' })));
  expect(await finalState(startJobId('meeting', 'flaky'))).toBe('completed');
  expect(world.statusCalls()).toHaveLength(4);
  const decisions = readProgress(
    (await queue.getJob(startJobId('meeting', 'flaky')))!.progress,
  ).history.map((h) => h.decision);
  expect(decisions).toEqual([
    'retry:zoom_unavailable',
    'retry:zoom_unavailable',
    'retry:zoom_unavailable',
    'started',
  ]);
});

it('Zoom trouble at meeting start (OAuth 5xx and hangs, livestream resets, 5xx, garbage): retried until it answers, one zoom_unavailable alert', async () => {
  const sink = await startHttpSink();
  try {
    // More failures in a row than the old limit of 7, OAuth included; the alert threshold is 1 s.
    world.zoom.scriptOAuth({ status: 503 }, { hang: true }, { status: 500 });
    world.zoom.script(
      { status: 502 },
      { reset: true },
      { hang: true },
      { garbage: true },
      { status: 503 },
      { reset: true },
      { status: 500 },
      { status: 504 },
    );
    const app = await world.service('all', {
      ALERT_WEBHOOK_URL: sink.url,
      ZOOM_UNAVAILABLE_ALERT_AFTER_MS: '1000',
      LIVESTREAM_BACKOFF_MAX_MS: '300',
    });
    await post(app.url, signed(meetingEvent('meeting.started', { uuid: 'outage' })));
    const jobId = startJobId('meeting', 'outage');
    expect(await finalState(jobId)).toBe('completed');
    expect(world.statusCalls()).toHaveLength(9); // eight failures, then the start
    expect(world.zoom.started.has('85012345678')).toBe(true);
    const alerts = await eventually(() => {
      const got = sink.received.map((r) => (r.body as { type: string }).type);
      return got.length > 0 && got;
    });
    expect(alerts).toEqual(['zoom_unavailable']);
    // The deferral line names the underlying error, not only the decision.
    expect(app.output()).toMatch(
      /"reason":"zoom_unavailable","status":502[^\n]*"msg":"livestream start deferred"/,
    );
    expect(app.output()).toMatch(
      /"reason":"zoom_unavailable"[^\n]*"errorCode":"(UND_ERR_SOCKET|ECONNRESET)"[^\n]*"msg":"livestream start deferred"/,
    );
  } finally {
    await sink.close();
  }
});

it('100 duplicate deliveries racing a completing job: one start', async () => {
  const app = await world.service('all');
  world.zoom.script({ status: 204, delayMs: 300 }); // the job is mid-completion while duplicates arrive
  const event = meetingEvent('meeting.started', { uuid: 'raced' });
  expect((await post(app.url, signed(event))).status).toBe(204);
  await eventually(() => world.statusCalls().length === 1);
  const statuses = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 5)); // spread over the completion
      return (await post(app.url, signed(event))).status;
    }),
  );
  expect(new Set(statuses)).toEqual(new Set([204]));
  // Every duplicate was answered after the one job existed, so there is nothing else to wait for.
  expect(await finalState(startJobId('meeting', 'raced'))).toBe('completed');
  expect(startsPerMeeting(world.answers)).toEqual(new Map([['85012345678', 1]]));
  expect(world.statusCalls()).toHaveLength(1);
  expect(await queue.getJobCounts('completed', 'waiting', 'delayed', 'active')).toMatchObject({
    completed: 1,
    waiting: 0,
    delayed: 0,
    active: 0,
  });
});

it('a fleet restarted with a wrong client secret loses no stream: the starts wait, one alert, and the redeploy with the right secret starts them', async () => {
  const sink = await startHttpSink();
  try {
    const env = {
      ALERT_WEBHOOK_URL: sink.url,
      LIVESTREAM_BACKOFF_MAX_MS: '1000',
      LIVESTREAM_GIVE_UP_AFTER_MS: '300000',
    };
    const wrongSecret = { ...env, ZOOM_CLIENT_SECRET: 'fleet-wrong-secret-91c2' };
    const receiver = await world.service('all', wrongSecret);
    const worker = await world.service('worker', wrongSecret);
    const meetings = [4101, 4102, 4103, 4104];
    for (const id of meetings)
      await post(
        receiver.url,
        signed(meetingEvent('meeting.started', { id, uuid: `fleet-${id}` })),
      );
    // Both processes have met the rejection, and every start waits for it, none failed.
    await eventually(
      () => [receiver, worker].every((p) => p.output().includes('"reason":"oauth_rejected"')),
      30_000,
    );
    // Each start has met it once (a busy machine may take a moment for the last one), none failed.
    await eventually(async () => {
      const jobs = await Promise.all(
        meetings.map((id) => queue.getJob(startJobId('meeting', `fleet-${id}`))),
      );
      return jobs.every((job) => readProgress(job!.progress).state === 'waiting');
    }, 30_000);
    expect((await fetch(`${receiver.url}/readyz`)).status).toBe(503);

    // The fix is deployed: the old processes stop, a worker with the right secret takes over.
    expect(await receiver.kill('SIGTERM')).toBe(0);
    expect(await worker.kill('SIGTERM')).toBe(0);
    const fixed = await world.service('worker', env);
    const deployedAt = Date.now();
    for (const id of meetings)
      expect(await finalState(startJobId('meeting', `fleet-${id}`))).toBe('completed');
    // Each waited at most one backoff step (1 s) after the fixed worker came up.
    expect(Date.now() - deployedAt).toBeLessThan(10_000);
    expect(startsPerMeeting(world.answers)).toEqual(new Map(meetings.map((id) => [String(id), 1])));
    expect((await fetch(`${fixed.url}/readyz`)).status).toBe(200);
    await eventually(() => sink.received.length >= 1);
    expect(sink.received.map((r) => (r.body as { type: string }).type)).toEqual([
      'credentials_rejected',
    ]);
    expect(receiver.output() + worker.output()).not.toContain('fleet-wrong-secret');
  } finally {
    await sink.close();
  }
});
