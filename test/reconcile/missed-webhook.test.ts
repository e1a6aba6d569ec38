import { startJobId } from '../../src/domain/start-job';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { moreSweeps } from '../support/reconcile';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let service: TestService | undefined;
let sink: HttpSink | undefined;
const answers: { path: string; body: string; status: number; at: number }[] = [];
beforeEach(async () => {
  answers.length = 0;
  zoom = await startZoomSandbox({
    onAnswer: (req, status) => answers.push({ ...req, status, at: Date.now() }),
  });
  sink = await startHttpSink();
});
afterEach(async () => {
  await service?.stop();
  await sink?.close();
  await zoom.close();
  service = undefined;
});

const INTERVAL = 1000;
const env = () => ({
  RECONCILE_USERS: 'sandbox-host',
  RECONCILE_INTERVAL_MS: String(INTERVAL),
  ALERT_WEBHOOK_URL: sink!.url,
});
const startsAnswered = (meetingId: string, status: number) =>
  answers.filter(
    (a) => a.path === `/v2/meetings/${meetingId}/livestream/status` && a.status === status,
  );

it('starts a live meeting whose webhook never came within one interval, and alerts once', async () => {
  service = await startTestService(env(), zoom);
  await moreSweeps(service, 1); // the scheduler runs
  const live = zoom.declareMeeting({ id: 85011112222, topic: 'Sunday <!channel>' });
  const declaredAt = Date.now();
  await eventually(() => zoom.started.has('85011112222'), 10_000);
  const first = answers.find((a) => a.path.endsWith('85011112222/livestream/status'))!;
  // Found by the next sweep: within one interval plus the sweep's own time (loaded CI: 1 s).
  expect(first.at - declaredAt).toBeLessThan(INTERVAL + 1000);
  expect(first.status).toBe(429); // then the usual 429 wait, then 204

  const job = await service.queue.getJob(startJobId('meeting', live.uuid));
  expect(job?.data).toMatchObject({ source: 'reconcile', meetingId: '85011112222' });
  await eventually(() => sink!.received.length >= 1);
  await moreSweeps(service, 2); // later sweeps see the job: nothing more
  expect(startsAnswered('85011112222', 204)).toHaveLength(1);
  expect(sink!.received).toHaveLength(1);
  const alert = sink!.received[0]!.body as Record<string, unknown>;
  expect(alert).toMatchObject({ type: 'webhook_missed', meeting_id: '85011112222' });
  expect(alert.text).toContain('&lt;!channel&gt;');
  expect(alert.text).not.toContain('<!channel>');
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  expect(metrics).toMatch(/^zlw_reconciled_starts_total 1$/m);
  expect(metrics).toMatch(/^zlw_starts_queued_total\{source="reconcile"\} 1$/m);
  const done = service.logs.lines.find((l) => l.msg === 'livestream started');
  expect(done).toMatchObject({ source: 'reconcile', meetingId: '85011112222' });
});

it('webhook and sweep racing for one instance make exactly one start', async () => {
  service = await startTestService(env(), zoom);
  for (let i = 0; i < 5; i++) {
    const id = 85020000000 + i;
    const { uuid } = zoom.declareMeeting({ id });
    // The webhook lands while sweeps keep running: whichever comes first adds the job.
    if (i % 2 === 0) await moreSweeps(service, 1);
    const res = await post(service.url, signed(meetingEvent('meeting.started', { id, uuid })));
    expect(res.status).toBe(204);
  }
  await eventually(() => zoom.started.size === 5, 15_000);
  await moreSweeps(service, 2);
  for (let i = 0; i < 5; i++) expect(startsAnswered(String(85020000000 + i), 204)).toHaveLength(1);
  expect(await service.queue.getJobCountByTypes('completed', 'active', 'waiting', 'delayed')).toBe(
    5,
  );
});

it('never starts a meeting that ended, whose stream the host stopped, or whose start failed', async () => {
  service = await startTestService(
    { ...env(), LIVESTREAM_RULES_FILE: '', LIVESTREAM_RETRY_DELAY_MS: '60000' },
    zoom,
  );
  const ended = zoom.declareMeeting({ id: 85030000001 });
  const stopped = zoom.declareMeeting({ id: 85030000002 });
  // Listed as live only once its start has failed: a sweep must not start it before the webhook.
  const failed = { id: 85030000003, uuid: 'failed-instance==' };
  const settled = async (uuid: string, state: string) =>
    eventually(
      async () => (await service!.queue.getJobState(startJobId('meeting', uuid))) === state,
    );
  // Ended while its start waited out the 429: the start is cancelled.
  await post(
    service.url,
    signed(meetingEvent('meeting.started', { id: ended.id, uuid: ended.uuid })),
  );
  await eventually(() => startsAnswered(String(ended.id), 429).length === 1);
  await post(
    service.url,
    signed(meetingEvent('meeting.ended', { id: ended.id, uuid: ended.uuid })),
  );
  await settled(ended.uuid, 'completed');
  // The host stopped the stream (Zoom's live_streaming_stopped) while the start waited.
  await post(
    service.url,
    signed(meetingEvent('meeting.started', { id: stopped.id, uuid: stopped.uuid })),
  );
  await eventually(() => startsAnswered(String(stopped.id), 429).length === 1);
  await post(
    service.url,
    signed(meetingEvent('meeting.live_streaming_stopped', { id: stopped.id, uuid: stopped.uuid })),
  );
  await settled(stopped.uuid, 'completed');
  // Failed for good: Zoom says the meeting does not exist.
  zoom.script({ status: 404, body: { code: 3001, message: 'Meeting does not exist' } });
  await post(
    service.url,
    signed(meetingEvent('meeting.started', { id: failed.id, uuid: failed.uuid })),
  );
  await settled(failed.uuid, 'failed');
  zoom.declareMeeting(failed);

  const calls = answers.length;
  await moreSweeps(service, 3); // Zoom still lists all three as live
  expect(answers.slice(calls).filter((a) => a.path.includes('/livestream'))).toEqual([]);
  expect(await service.queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(0);
});

it('a failed list call skips only that user: the same sweep queues the others, the next one the rest', async () => {
  for (const id of ['u-1', 'u-2', 'u-3']) zoom.users.push({ id, email: `${id}@example.com` });
  service = await startTestService(
    { ...env(), RECONCILE_USERS: 'u-1,u-2,u-3', PREFLIGHT_LEAD_MS: '0' },
    zoom,
  );
  await moreSweeps(service, 1);
  for (const [i, hostId] of ['u-1', 'u-2', 'u-3'].entries())
    zoom.declareMeeting({ id: 85060000001 + i, hostId });
  zoom.scriptGets({ status: 503, body: { code: 503, message: 'Service Unavailable' } });
  const [partial] = await moreSweeps(service, 1);
  expect(partial).toMatchObject({ users: 3, live: 2, queued: 2, failed: 1 });
  expect(partial!.stoppedBy).toBeUndefined();
  const failedUser = service.logs.lines.find((l) =>
    String(l.msg).includes('the sweep goes on with the next user'),
  );
  expect(failedUser).toMatchObject({ user: expect.stringMatching(/^u-[123]$/) });
  await eventually(() => zoom.started.size === 3, 15_000);
});
