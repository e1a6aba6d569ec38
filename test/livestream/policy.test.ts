import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { readProgress } from '../../src/domain/start-progress';
import { enqueueStart } from '../../src/queue/start-queue';
import { startJobId } from '../../src/domain/start-job';
import { cli } from '../support/cli';
import { tempFile } from '../support/files';
import { startHttpSink, type HttpSink } from '../support/http-sink';
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
let sink: HttpSink | undefined;
afterEach(async () => {
  await service?.stop();
  await sink?.close();
  await zoom.close();
  service = undefined;
  sink = undefined;
});

const RULES = `
rules:
  - name: skip-internal
    match: { topic: "/internal/i" }
    action: skip
  - name: youtube
    match: { meeting_ids: [85012345678] }
    action: stream
    stream:
      stream_url: rtmp://a.rtmp.youtube.com/live2
      stream_key: \${YOUTUBE_STREAM_KEY}
      page_url: https://www.youtube.com/@church/live
      resolution: 1080p
    settings: { display_name: Sunday service }
  - name: webinars
    match: { event: webinar }
    action: stream
`;
const KEY = 'yt-secret-key-9876';

async function setup(
  env: Record<string, string> = {},
  rateLimitedStarts = 0,
): Promise<TestService> {
  zoom = await startZoomSandbox({ rateLimitedStarts });
  service = await startTestService(
    { LIVESTREAM_RULES_FILE: tempFile('rules.yaml', RULES), YOUTUBE_STREAM_KEY: KEY, ...env },
    zoom,
  );
  return service;
}

const final = finishedJob;

it('sets the stream target, then starts, in that order, with spec-valid bodies; the key stays secret', async () => {
  const s = await setup();
  await post(s.url, signed(meetingEvent('meeting.started', { uuid: 'yt' })));
  const job = await final(s, startJobId('meeting', 'yt'));
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 2 });
  const calls = zoom
    .livestreamCalls()
    .map((r) => [r.method, r.path, JSON.parse(r.body) as unknown]);
  expect(calls).toEqual([
    [
      'PATCH',
      '/v2/meetings/85012345678/livestream',
      {
        stream_url: 'rtmp://a.rtmp.youtube.com/live2',
        stream_key: KEY,
        page_url: 'https://www.youtube.com/@church/live',
        resolution: '1080p',
      },
    ],
    [
      'PATCH',
      '/v2/meetings/85012345678/livestream/status',
      { action: 'start', settings: { display_name: 'Sunday service' } },
    ],
  ]);
  expect(zoom.started.has('85012345678')).toBe(true); // the sandbox validated both against the spec
  expect(readProgress(job.progress)).toMatchObject({
    rule: 'youtube',
    target: { stream_key: '[redacted]' },
    targetSetFor: 'youtube',
  });
  expect(JSON.stringify(job.data) + JSON.stringify(job.progress)).not.toContain(KEY);
  expect(s.logs.text()).not.toContain(KEY);
  const status = await cli(['status', '85012345678'], { QUEUE_PREFIX: s.prefix });
  expect(status.out).toContain('rule:          youtube');
  expect(status.out).toContain('key [redacted]');
  expect(status.out).not.toContain(KEY);
});

it('skips a meeting a skip rule matches, and one no rule matches, without calling Zoom', async () => {
  const s = await setup();
  await post(
    s.url,
    signed(meetingEvent('meeting.started', { uuid: 'internal', topic: 'INTERNAL sync' })),
  );
  await post(
    s.url,
    signed(meetingEvent('meeting.started', { uuid: 'other', id: 222, topic: 'Choir' })),
  );
  const skipped = await final(s, startJobId('meeting', 'internal'));
  const unmatched = await final(s, startJobId('meeting', 'other'));
  expect(skipped.returnvalue).toMatchObject({ state: 'skipped' });
  expect(readProgress(skipped.progress)).toMatchObject({
    rule: 'skip-internal',
    reason: 'rule "skip-internal" skips it',
  });
  expect(unmatched.returnvalue).toMatchObject({ state: 'skipped' });
  expect(readProgress(unmatched.progress).reason).toBe('no rule matched');
  expect(
    s.logs.lines.some(
      (l) => l.msg === 'livestream skipped: no rule matched' && l.meetingId === '222',
    ),
  ).toBe(true);
  expect(zoom.livestreamCalls()).toHaveLength(0);
});

it('starts webinars through the webinar endpoint, and webinar.ended stops the retries', async () => {
  const s = await setup({ LIVESTREAM_RETRY_DELAY_MS: '1000' }, 1);
  await post(s.url, signed(meetingEvent('webinar.started', { id: 93000000001, uuid: 'web-1' })));
  const job = await final(s, startJobId('webinar', 'web-1'));
  expect(job.returnvalue).toMatchObject({ state: 'started', attempts: 2 });
  expect(zoom.livestreamCalls().map((r) => r.path)).toEqual(
    Array(2).fill('/v2/webinars/93000000001/livestream/status'),
  );

  await post(s.url, signed(meetingEvent('webinar.started', { id: 93000000002, uuid: 'web-2' })));
  await eventually(() => zoom.livestreamCalls().length === 3);
  await post(s.url, signed(meetingEvent('webinar.ended', { id: 93000000002, uuid: 'web-2' })));
  expect((await final(s, startJobId('webinar', 'web-2'))).returnvalue).toMatchObject({
    state: 'cancelled',
  });
  expect(await stillScheduled(s)).toBe(0); // the job is final and nothing else is queued
  expect(zoom.livestreamCalls()).toHaveLength(3);
});

describe('confirmation (LIVESTREAM_CONFIRM_TIMEOUT_MS)', () => {
  it('completes as live when live_streaming_started arrives, with no second start', async () => {
    const s = await setup({ LIVESTREAM_RULES_FILE: '', LIVESTREAM_CONFIRM_TIMEOUT_MS: '1500' });
    await post(s.url, signed(meetingEvent('meeting.started', { uuid: 'confirmed' })));
    await eventually(() => zoom.started.size === 1);
    expect(
      (
        await post(
          s.url,
          signed(meetingEvent('meeting.live_streaming_started', { uuid: 'confirmed' })),
        )
      ).status,
    ).toBe(204);
    const job = await final(s, startJobId('meeting', 'confirmed'));
    expect(job.returnvalue).toMatchObject({ state: 'live' });
    expect(await stillScheduled(s)).toBe(0); // the job is final and nothing else is queued
    expect(zoom.livestreamCalls()).toHaveLength(1);
    expect((await cli(['status', '85012345678'], { QUEUE_PREFIX: s.prefix })).out).toContain(
      'confirmation:  live',
    );
  });

  it('issues the start again when no confirmation comes in time, and alerts once', async () => {
    sink = await startHttpSink();
    const s = await setup({
      LIVESTREAM_RULES_FILE: '',
      LIVESTREAM_CONFIRM_TIMEOUT_MS: '500',
      ALERT_WEBHOOK_URL: sink.url,
    });
    await post(
      s.url,
      signed(meetingEvent('meeting.started', { uuid: 'silent', topic: 'Evening prayer' })),
    );
    await eventually(() => zoom.livestreamCalls().length >= 3, 10_000);
    const [first, second] = zoom.livestreamCalls();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(500);
    await eventually(() => sink!.received.length === 1);
    expect(sink.received[0]!.body).toMatchObject({
      type: 'confirmation_missing',
      meeting_id: '85012345678',
      topic: 'Evening prayer',
      text: expect.stringContaining('not confirmed live'),
    });
    await post(s.url, signed(meetingEvent('meeting.live_streaming_started', { uuid: 'silent' })));
    expect((await final(s, startJobId('meeting', 'silent'))).returnvalue).toMatchObject({
      state: 'live',
    });
    expect(sink.received).toHaveLength(1);
  });

  it('does not restart a stream the host stopped', async () => {
    const s = await setup({ LIVESTREAM_RULES_FILE: '', LIVESTREAM_CONFIRM_TIMEOUT_MS: '800' });
    await post(s.url, signed(meetingEvent('meeting.started', { uuid: 'host-stop' })));
    await eventually(() => zoom.started.size === 1);
    await post(
      s.url,
      signed(meetingEvent('meeting.live_streaming_stopped', { uuid: 'host-stop' })),
    );
    const job = await final(s, startJobId('meeting', 'host-stop'));
    expect(job.returnvalue).toMatchObject({ state: 'stopped' });
    expect(await stillScheduled(s)).toBe(0); // the job is final and nothing else is queued
    expect(zoom.livestreamCalls()).toHaveLength(1);
  });
});

describe('account-wide pacing', () => {
  it('keeps 100 simultaneous meetings under 10 Zoom calls in any one-second window, and starts them all', async () => {
    const s = await setup({
      LIVESTREAM_RULES_FILE: '',
      ZOOM_MAX_REQUESTS_PER_SECOND: '10',
      WORKER_CONCURRENCY: '50',
    });
    const ids = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        enqueueStart(s.queue, {
          kind: 'meeting',
          meetingId: String(5000 + i),
          uuid: `pace-${i}`,
          receivedAt: Date.now(),
          source: 'manual',
        }).then((r) => r.jobId),
      ),
    );
    await eventually(() => zoom.started.size === 100, 30_000, 100);
    const times = zoom
      .livestreamCalls()
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(times).toHaveLength(100);
    for (let i = 0; i < times.length; i++) {
      expect(
        times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length,
      ).toBeLessThanOrEqual(10);
    }
    for (const id of ids) expect(await s.queue.getJobState(id)).toBe('completed');
  }, 60_000);

  it('holds every job for Retry-After after an account-level (QPS) 429', async () => {
    const s = await setup({ LIVESTREAM_RULES_FILE: '', WORKER_CONCURRENCY: '1' });
    zoom.script({
      status: 429,
      body: { code: 429, message: 'You have exceeded the rate limit.' },
      headers: { 'x-ratelimit-type': 'QPS', 'retry-after': '1' },
    });
    for (let i = 0; i < 3; i++)
      await enqueueStart(s.queue, {
        kind: 'meeting',
        meetingId: String(7000 + i),
        uuid: `qps-${i}`,
        receivedAt: Date.now(),
        source: 'manual',
      });
    await eventually(() => zoom.started.size === 3, 15_000);
    const [limited, ...rest] = zoom.livestreamCalls();
    for (const call of rest) expect(call.at - limited!.at).toBeGreaterThanOrEqual(1000);
  });
});

describe('alerts (ALERT_WEBHOOK_URL)', () => {
  it('posts a Slack-compatible alert with the meeting, reason, Zoom code and attempts when a start fails', async () => {
    sink = await startHttpSink();
    const s = await setup({ LIVESTREAM_RULES_FILE: '', ALERT_WEBHOOK_URL: sink.url });
    zoom.script({ status: 400, body: { code: 3000, message: 'Cannot access meeting info.' } });
    await post(
      s.url,
      signed(meetingEvent('meeting.started', { uuid: 'doomed', topic: 'Sunday service' })),
    );
    await eventually(() => sink!.received.length === 1);
    expect(sink.received[0]!.body).toEqual({
      text: expect.stringMatching(
        /^:rotating_light: Livestream start failed for meeting 85012345678 "Sunday service": .*code 3000\)$/,
      ),
      type: 'start_failed',
      account: 'default',
      kind: 'meeting',
      meeting_id: '85012345678',
      topic: 'Sunday service',
      reason: expect.stringContaining('Cannot access meeting info.'),
      zoom_code: 3000,
      attempts: 1,
      job_id: startJobId('meeting', 'doomed'),
      at: expect.any(String),
    });
    const status = await cli(['status', '85012345678'], { QUEUE_PREFIX: s.prefix });
    expect(status.out).toMatch(/alerts sent: {3}start_failed at /);
  });

  it('keeps starting streams while the alert endpoint is down, and logs the failed delivery', async () => {
    sink = await startHttpSink();
    sink.status = 500;
    const s = await setup({ LIVESTREAM_RULES_FILE: '', ALERT_WEBHOOK_URL: sink.url });
    zoom.script({ status: 404, body: { code: 3001, message: 'Meeting does not exist.' } });
    await post(s.url, signed(meetingEvent('meeting.started', { uuid: 'gone', id: 404 })));
    await eventually(() => zoom.livestreamCalls().length === 1); // the scripted 404 went to this one
    await post(s.url, signed(meetingEvent('meeting.started', { uuid: 'fine', id: 200 })));
    await eventually(() => zoom.started.has('200'));
    await eventually(() => s.logs.lines.some((l) => l.msg === 'alert delivery failed; will retry'));
    expect(sink.received.length).toBeGreaterThanOrEqual(1);
  });
});
