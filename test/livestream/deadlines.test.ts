import { enqueueStart } from '../../src/queue/start-queue';
import { startJobId } from '../../src/domain/start-job';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { eventually, finishedJob, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let service: TestService | undefined;
let sink: HttpSink | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await zoom.close();
  await sink?.close();
  sink = undefined;
});

const statusCalls = () => zoom.requests.filter((r) => r.path.endsWith('/livestream/status'));
const LIMITED = { status: 429, body: { code: 429, message: 'Please retry after 30 seconds.' } };

const finished = finishedJob;

it('429 waits never use up the allowance for trouble: many 429s, then a 500 retried on the first backoff step, then started', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  zoom.script(...Array.from({ length: 10 }, () => LIMITED), { status: 500 });
  service = await startTestService(
    { LIVESTREAM_RETRY_DELAY_MS: '50', LIVESTREAM_BACKOFF_BASE_MS: '100' },
    zoom,
  );
  await post(service.url, signed(meetingEvent('meeting.started', {})));
  const job = await finished(service, startJobId('meeting', 'uuid-1=='));
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 12 });
  // The decision after the 500, as logged when it was made: had the ten 429s counted as trouble,
  // the step would be 100 ms × 2^10 (capped at a minute); the first step is 50–100 ms.
  const deferred = service.logs.lines.find(
    (l) => l.msg === 'livestream start deferred' && l.status === 500,
  );
  expect(deferred).toMatchObject({ reason: 'zoom_unavailable' });
  const stepMs = Date.parse(String(deferred!.nextAttemptAt)) - Date.parse(String(deferred!.time));
  expect(stepMs).toBeLessThanOrEqual(100);
  expect(statusCalls()[11]!.at - statusCalls()[10]!.at).toBeGreaterThanOrEqual(50);
});

it('a job first picked up after its give-up deadline fails with the deadline reason, without calling Zoom', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  sink = await startHttpSink();
  service = await startTestService(
    { LIVESTREAM_GIVE_UP_AFTER_MS: '60000', ALERT_WEBHOOK_URL: sink.url },
    zoom,
  );
  // As after a long worker outage: received two minutes ago, deadline one minute.
  const { jobId } = await enqueueStart(service.queue, {
    kind: 'meeting',
    meetingId: '85012345678',
    uuid: 'stale',
    receivedAt: Date.now() - 120_000,
    source: 'webhook',
  });
  const job = await finished(service, jobId);
  expect(await job.getState()).toBe('failed');
  expect(job.failedReason).toMatch(/^gave up: the deadline passed/);
  expect(statusCalls()).toHaveLength(0);
  await eventually(() => sink!.received.length === 1);
  expect(sink.received[0]!.body).toMatchObject({ type: 'gave_up', meeting_id: '85012345678' });
});

it('sends the gave_up alert when the deadline passes while Zoom keeps answering 429', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 1000 });
  sink = await startHttpSink();
  service = await startTestService(
    {
      LIVESTREAM_GIVE_UP_AFTER_MS: '1500',
      LIVESTREAM_RETRY_DELAY_MS: '200',
      ALERT_WEBHOOK_URL: sink.url,
    },
    zoom,
  );
  await post(
    service.url,
    signed(meetingEvent('meeting.started', { uuid: 'late', topic: 'Town hall' })),
  );
  const job = await finished(service, startJobId('meeting', 'late'));
  expect(job.failedReason).toMatch(/^gave up/);
  expect(statusCalls().length).toBeGreaterThan(2);
  await eventually(() => sink!.received.length === 1);
  expect(sink.received[0]!.body).toMatchObject({
    type: 'gave_up',
    topic: 'Town hall',
    text: expect.stringContaining('gave up at its deadline'),
  });
});

it('retries alert delivery until the alert endpoint takes it', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  sink = await startHttpSink();
  sink.status = 503;
  zoom.script({ status: 404, body: { code: 3001, message: 'Meeting does not exist.' } });
  service = await startTestService({ ALERT_WEBHOOK_URL: sink.url }, zoom);
  await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'gone' })));
  await eventually(() => sink!.received.length === 2, 20_000); // two refused deliveries
  sink.status = 200;
  await eventually(() => service!.logs.lines.some((l) => l.msg === 'alert delivered'), 20_000);
  expect(sink.received).toHaveLength(3);
  for (const r of sink.received) expect(r.body).toMatchObject({ type: 'start_failed' });
});
