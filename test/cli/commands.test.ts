import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { cli } from '../support/cli';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox | undefined;
let service: TestService | undefined;
afterEach(async () => {
  await service?.stop();
  await zoom?.close();
  service = undefined;
  zoom = undefined;
});

describe('trigger', () => {
  it('queues a start through the same queue, deduplicating on --uuid', async () => {
    service = await startTestService({ ROLE: 'receiver' });
    const env = { QUEUE_PREFIX: service.prefix };
    const first = await cli(['trigger', '85012345678', '--uuid', 'missed=='], env);
    expect(first).toMatchObject({
      code: 0,
      out: expect.stringContaining(`job ${startJobId('meeting', 'missed==')}`),
    });
    const again = await cli(['trigger', '85012345678', '--uuid', 'missed=='], env);
    expect(again).toMatchObject({
      code: 0,
      out: expect.stringContaining('already has a start job'),
    });
    // The webhook Zoom sends late for the same instance adds nothing either.
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'missed==' })));
    const jobs = await service.queue.getJobs(['waiting']);
    expect(jobs.map((j) => [j.data.meetingId, j.data.source])).toEqual([['85012345678', 'manual']]);
  });

  it('refuses a meeting id that is not a positive number, with exit code 2', async () => {
    for (const id of ['85-01', '0', '00'])
      expect(await cli(['trigger', id])).toMatchObject({
        code: 2,
        err: expect.stringContaining('meeting id must be a positive whole number'),
      });
    expect(await cli(['trigger'])).toMatchObject({
      code: 2,
      err: expect.stringContaining("missing required argument 'meetingId'"),
    });
  });
});

describe('status', () => {
  it('explains a waiting meeting: attempts, last Zoom answer, next attempt and why', async () => {
    zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
    service = await startTestService({ LIVESTREAM_RETRY_DELAY_MS: '60000' }, zoom);
    const env = { QUEUE_PREFIX: service.prefix };
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'waiting' })));
    await eventually(async () =>
      (await service!.queue.getJob(startJobId('meeting', 'waiting')))?.isDelayed(),
    );

    const table = await cli(['status'], env);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/MEETING\s+STATE\s+TRIES\s+NEXT ATTEMPT\s+LAST ZOOM ANSWER\s+TOPIC/);
    expect(table.out).toMatch(
      /85012345678\s+waiting\s+1\s+in \d+ s\s+429 · 429 · rate limited\s+Sunday service/,
    );

    const detail = await cli(['status', '85012345678'], env);
    expect(detail.out).toContain('state:         waiting');
    expect(detail.out).toContain('source:        webhook');
    expect(detail.out).toContain('reason:        livestream_rate_limited');
    expect(detail.out).toMatch(/next attempt: {2}\d{4}-\d\d-\d\dT/);

    const json = JSON.parse((await cli(['status', '--json'], env)).out) as Record<
      string,
      unknown
    >[];
    expect(json).toEqual([
      expect.objectContaining({
        meetingId: '85012345678',
        source: 'webhook',
        state: 'waiting',
        attempts: 1,
        reason: 'livestream_rate_limited',
        nextAttemptAt: expect.any(String),
        lastAnswer: expect.objectContaining({
          status: 429,
          trackingId: expect.stringMatching(/^sandbox-/),
        }),
      }),
    ]);
  });

  it('exits 4 for a meeting it does not track', async () => {
    service = await startTestService({ ROLE: 'receiver' });
    expect(await cli(['status', '999'], { QUEUE_PREFIX: service.prefix })).toMatchObject({
      code: 4,
      out: 'no start job for meeting 999\n',
    });
    expect(await cli(['status'], { QUEUE_PREFIX: service.prefix })).toMatchObject({
      code: 0,
      out: 'no tracked meetings\n',
    });
  });
});

describe('retry', () => {
  it('re-runs a failed start with its counters reset, and it starts', async () => {
    zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
    service = await startTestService({}, zoom);
    const env = { QUEUE_PREFIX: service.prefix };
    zoom.script({ status: 400, body: { code: 3000, message: 'Cannot access meeting info.' } });
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'retry-me' })));
    const jobId = startJobId('meeting', 'retry-me');
    await eventually(async () => (await service!.queue.getJobState(jobId)) === 'failed');
    expect((await cli(['status', '85012345678', '--json'], env)).out).toContain('code 3000');

    expect(await cli(['retry', '85012345678'], env)).toMatchObject({
      code: 0,
      out: expect.stringContaining(jobId),
    });
    await eventually(async () => (await service!.queue.getJobState(jobId)) === 'completed');
    expect(zoom.livestreamCalls()).toHaveLength(2);
    // Counters and history start again: the status shows the retried run only.
    const [status] = JSON.parse((await cli(['status', '85012345678', '--json'], env)).out) as {
      state: string;
      attempts: number;
      history: { status: number }[];
    }[];
    expect(status).toMatchObject({ state: 'started', attempts: 1 });
    expect(status!.history.map((a) => a.status)).toEqual([204]);
    const { logs } = await service.queue.getJobLogs(jobId);
    expect(logs).toEqual([
      expect.stringMatching(
        /^retried by an operator at .*: attempts, counters and history start again$/,
      ),
      expect.stringMatching(/^attempt 1 \(start\): Zoom answered 204/),
    ]);
  });

  it('exits 4 when there is nothing failed to retry', async () => {
    service = await startTestService({ ROLE: 'receiver' });
    expect(await cli(['retry', '85012345678'], { QUEUE_PREFIX: service.prefix })).toMatchObject({
      code: 4,
      err: 'no failed start for meeting 85012345678\n',
    });
  });

  it('refuses to retry a meeting that has ended, with exit 1', async () => {
    zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
    service = await startTestService({}, zoom);
    zoom.script({ status: 400, body: { code: 3000, message: 'Cannot access meeting info.' } });
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'over' })));
    const jobId = startJobId('meeting', 'over');
    await eventually(async () => (await service!.queue.getJobState(jobId)) === 'failed');
    await post(service.url, signed(meetingEvent('meeting.ended', { uuid: 'over' })));
    expect(await cli(['retry', '85012345678'], { QUEUE_PREFIX: service.prefix })).toMatchObject({
      code: 1,
      err: 'meeting 85012345678 has ended; there is no stream to start\n',
    });
    expect(await service.queue.getJobState(jobId)).toBe('failed');
  });
});

describe('the command line', () => {
  it('answers --help on every command with exit 0, and unknown commands with exit 2', async () => {
    for (const command of ['start', 'trigger', 'status', 'retry', 'sandbox', 'demo']) {
      const run = await cli([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.out).toContain(`Usage: zoom-livestream-worker ${command}`);
    }
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli(['launch'])).code).toBe(2);
    expect((await cli(['start', '--role', 'boss'])).code).toBe(2);
  });

  it('exits 78 naming every bad variable when start is misconfigured', async () => {
    const run = await cli(['start'], {
      PORT: 'x',
      ZOOM_WEBHOOK_SECRET_TOKEN: 'super-secret-value',
      ZOOM_CLIENT_SECRET: 'another-secret',
    });
    expect(run.code).toBe(78);
    expect(run.err).toContain('PORT');
    expect(run.err).toContain('ZOOM_ACCOUNT_ID');
    expect(run.err).not.toContain('super-secret-value');
  });
});
