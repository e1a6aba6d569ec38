import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { enqueueStart } from '../../src/queue/start-queue';
import { startJobId } from '../../src/domain/start-job';
import { readProgress } from '../../src/domain/start-progress';
import {
  eventually,
  finishedJob,
  startTestService,
  stillScheduled,
  type TestService,
} from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let service: TestService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await zoom.close();
});

async function setup(
  env: Record<string, string> = {},
  rateLimitedStarts = 0,
): Promise<TestService> {
  zoom = await startZoomSandbox({ rateLimitedStarts });
  service = await startTestService(env, zoom);
  return service;
}

const statusCalls = () => zoom.requests.filter((r) => r.path.endsWith('/livestream/status'));
const oauthCalls = () => zoom.requests.filter((r) => r.path.startsWith('/oauth/token'));

async function startMeeting(
  s: TestService,
  object: { id?: number | string; uuid?: string } = {},
): Promise<string> {
  const res = await post(s.url, signed(meetingEvent('meeting.started', object)));
  expect(res.status).toBe(204);
  return startJobId('meeting', object.uuid ?? 'uuid-1==');
}

const finished = finishedJob;

it('starts the stream: token with Basic auth, then a JSON PATCH with the bearer token', async () => {
  const s = await setup();
  const jobId = await startMeeting(s, { id: 98765432101 });
  const job = await finished(s, jobId);
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 1 });

  const [tokenCall] = oauthCalls();
  expect(tokenCall!.method).toBe('POST');
  expect(tokenCall!.path).toBe(
    '/oauth/token?grant_type=account_credentials&account_id=sandbox-account',
  );
  expect(tokenCall!.headers.authorization).toBe(
    `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
  );

  const [patch] = statusCalls();
  expect(patch!.method).toBe('PATCH');
  expect(patch!.path).toBe('/v2/meetings/98765432101/livestream/status');
  expect(patch!.headers['content-type']).toBe('application/json');
  expect(patch!.headers.authorization).toMatch(/^Bearer sandbox\.[0-9a-f]{32}$/);
  expect(JSON.parse(patch!.body)).toEqual({ action: 'start' });
  expect(zoom.started.has('98765432101')).toBe(true);
  expect(readProgress(job.progress)).toMatchObject({
    state: 'started',
    attempts: 1,
    history: [expect.objectContaining({ status: 204, decision: 'started' })],
  });
});

it('sends the configured livestream settings', async () => {
  const s = await setup({
    LIVESTREAM_DISPLAY_NAME: 'Main hall',
    LIVESTREAM_ACTIVE_SPEAKER_NAME: 'true',
  });
  await finished(s, await startMeeting(s));
  expect(JSON.parse(statusCalls()[0]!.body)).toEqual({
    action: 'start',
    settings: { display_name: 'Main hall', active_speaker_name: true },
  });
});

it('waits out any number of livestream 429s, each gap at least the delay, until the 204', async () => {
  // Eight 429s: more than the job's `attempts`, which 429s never use up.
  const s = await setup({ LIVESTREAM_RETRY_DELAY_MS: '200' }, 8);
  const job = await finished(s, await startMeeting(s));
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 9 });
  expect(job.attemptsMade).toBe(1); // only the run that succeeded: the 429 waits used none
  const times = statusCalls().map((r) => r.at);
  expect(times).toHaveLength(9);
  for (let i = 1; i < times.length; i++)
    expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(200);
  expect(readProgress(job.progress)).toMatchObject({ rateLimited: 8, state: 'started' });
  // Each wait is handed to BullMQ as its delayed signal: no failed run, no lock error logged.
  expect(s.logs.lines.filter((l) => Number(l.level) >= 50).map((l) => l.msg)).toEqual([]);
  expect(s.logs.text()).not.toMatch(/Missing lock|start job error|worker error/);
});

it('records why a job waits and when it tries next, with the shipped 30-second default', async () => {
  const s = await setup({ LIVESTREAM_RETRY_DELAY_MS: '' }, 1); // empty = unset = default
  const jobId = await startMeeting(s);
  const job = await eventually(async () => {
    const j = await s.queue.getJob(jobId);
    // Read again once delayed: the progress is written alongside the move, after the first read.
    return j && (await j.isDelayed()) ? s.queue.getJob(jobId) : undefined;
  });
  const progress = readProgress(job.progress);
  const first = statusCalls()[0]!;
  expect(progress).toMatchObject({
    state: 'waiting',
    reason: 'livestream_rate_limited',
    attempts: 1,
    rateLimited: 1,
  });
  expect(progress.nextAttemptAt! - first.at).toBeGreaterThanOrEqual(30_000);
  // 30 s from the moment of the decision (recorded with the attempt), not from a busy clock.
  const decidedAt = progress.history[0]!.at;
  expect(progress.nextAttemptAt! - decidedAt).toBeLessThanOrEqual(30_000);
  expect(progress.nextAttemptAt! - decidedAt).toBeGreaterThan(29_000);
  expect(progress.history[0]).toMatchObject({
    status: 429,
    zoomCode: 429,
    decision: 'retry:livestream_rate_limited',
    trackingId: expect.stringMatching(/^sandbox-/),
  });
  const line = s.logs.lines.find((l) => l.msg === 'livestream start deferred');
  expect(line).toMatchObject({
    meetingId: '85012345678',
    jobId,
    status: 429,
    reason: 'livestream_rate_limited',
    nextAttemptAt: new Date(progress.nextAttemptAt!).toISOString(),
  });
});

it('lets a longer Retry-After win over the delay', async () => {
  const s = await setup({ LIVESTREAM_RETRY_DELAY_MS: '300' });
  zoom.script({
    status: 429,
    body: { code: 429, message: 'Too many requests' },
    headers: { 'retry-after': '5' },
  });
  await finished(s, await startMeeting(s));
  const [first, second] = statusCalls();
  expect(second!.at - first!.at).toBeGreaterThanOrEqual(5000);
});

it('fails at once on a daily limit whose reset is past the deadline, with no 30-second loop', async () => {
  const s = await setup();
  const tomorrow = new Date(Date.now() + 10 * 3600_000).toUTCString();
  zoom.script({
    status: 429,
    body: { code: 429, message: 'You have reached the maximum daily rate limit for this API.' },
    headers: { 'x-ratelimit-type': 'Daily-limit', 'retry-after': tomorrow },
  });
  const job = await finished(s, await startMeeting(s));
  expect(await job.getState()).toBe('failed');
  expect(job.failedReason).toMatch(/daily_rate_limited.*deadline/);
  expect(await stillScheduled(s)).toBe(0); // the job is final and nothing else is queued
  expect(statusCalls()).toHaveLength(1);
});

it('retries 500 and 503 with backoff, then starts', async () => {
  const s = await setup();
  zoom.script({ status: 500, body: { code: 500, message: 'Internal error' } }, { status: 503 });
  const job = await finished(s, await startMeeting(s));
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 3 });
  expect(statusCalls().map((r) => r.path)).toEqual(
    Array(3).fill('/v2/meetings/85012345678/livestream/status'),
  );
});

it('times out a Zoom that never answers, then starts', async () => {
  const s = await setup({ ZOOM_HTTP_TIMEOUT_MS: '500' });
  zoom.script({ hang: true });
  const job = await finished(s, await startMeeting(s));
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 2 });
  const [first, second] = statusCalls();
  expect(second!.at - first!.at).toBeGreaterThanOrEqual(500);
  expect(readProgress(job.progress).history[0]).toMatchObject({
    decision: 'retry:zoom_unavailable',
    message: expect.stringContaining('TIMEOUT'),
  });
});

it('fails after one call on 404/1001, with Zoom’s code and message as the reason', async () => {
  const s = await setup();
  zoom.script({ status: 404, body: { code: 1001, message: 'User does not exist: abc.' } });
  const job = await finished(s, await startMeeting(s));
  expect(await job.getState()).toBe('failed');
  expect(job.failedReason).toBe(
    'Zoom livestream.status answered 404 code 1001: User does not exist: abc. (the user does not exist on this account)',
  );
  expect(await stillScheduled(s)).toBe(0); // the job is final and nothing else is queued
  expect(statusCalls()).toHaveLength(1);
});

it('fetches a new token once on 401/124 and retries the call', async () => {
  const s = await setup();
  await finished(s, await startMeeting(s, { uuid: 'warm-up' }));
  zoom.revokeTokens();
  const job = await finished(s, await startMeeting(s, { uuid: 'after-revoke' }));
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 1 });
  expect(oauthCalls()).toHaveLength(2);
  const [, rejected, retried] = statusCalls();
  expect(rejected!.headers.authorization).not.toBe(retried!.headers.authorization);
});

it('a token rejected again after the refetch is forgotten too, and the start goes on with a new one', async () => {
  const s = await setup();
  const invalid = { status: 401, body: { code: 124, message: 'Invalid access token.' } };
  zoom.script(invalid, invalid);
  const job = await finished(s, await startMeeting(s, { uuid: 'twice-rejected' }));
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 2 });
  // One token per rejection: the second rejected one was not used again.
  expect(oauthCalls()).toHaveLength(3);
  const auth = statusCalls().map((c) => c.headers.authorization);
  expect(new Set(auth).size).toBe(3);
});

it('starts 200 meetings at once with one token request', async () => {
  const s = await setup({ WORKER_CONCURRENCY: '50' });
  const ids = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      enqueueStart(s.queue, {
        kind: 'meeting',
        meetingId: String(1000 + i),
        uuid: `many-${i}`,
        receivedAt: Date.now(),
        source: 'manual',
      }).then((r) => r.jobId),
    ),
  );
  for (const id of ids)
    expect((await finished(s, id)).returnvalue).toMatchObject({ state: 'started' });
  expect(oauthCalls()).toHaveLength(1);
  expect(statusCalls()).toHaveLength(200);
});

it('makes no further call after meeting.ended arrives during the wait', async () => {
  const s = await setup({ LIVESTREAM_RETRY_DELAY_MS: '1500' }, 5);
  const jobId = await startMeeting(s);
  await eventually(() => statusCalls().length === 1);
  expect((await post(s.url, signed(meetingEvent('meeting.ended')))).status).toBe(204);
  const job = await finished(s, jobId);
  expect(job.returnvalue).toMatchObject({ state: 'cancelled' });
  expect(await stillScheduled(s)).toBe(0); // the job is final and nothing else is queued
  expect(statusCalls()).toHaveLength(1);
});

it('makes no further call when meeting.ended arrives while Zoom is answering', async () => {
  const s = await setup({ LIVESTREAM_RETRY_DELAY_MS: '300' });
  zoom.script({ status: 429, body: { code: 429, message: 'Too many requests' }, delayMs: 700 });
  const jobId = await startMeeting(s);
  await eventually(() => statusCalls().length === 1);
  expect((await post(s.url, signed(meetingEvent('meeting.ended')))).status).toBe(204);
  const job = await finished(s, jobId);
  expect(job.returnvalue).toMatchObject({ state: 'cancelled', attempts: 1 });
  expect(await stillScheduled(s)).toBe(0); // the job is final and nothing else is queued
  expect(statusCalls()).toHaveLength(1);
});

it('cancels without calling Zoom when meeting.ended came first', async () => {
  const s = await setup();
  expect((await post(s.url, signed(meetingEvent('meeting.ended', { uuid: 'early' })))).status).toBe(
    204,
  );
  const job = await finished(s, await startMeeting(s, { uuid: 'early' }));
  expect(job.returnvalue).toMatchObject({ state: 'cancelled', attempts: 0 });
  expect(statusCalls()).toHaveLength(0);
});
