import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { OVERVIEW_WINDOW_MS, readOverview } from '../../src/status/overview';
import { readProgress } from '../../src/domain/start-progress';
import { consoleMeetings } from '../support/console-meetings';
import { roundTrips } from '../support/round-trips';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { startJobId } from '../../src/domain/start-job';

let zoom: ZoomSandbox;
let service: TestService;
let meetings: ReturnType<typeof consoleMeetings>;
const TEN_MINUTES = 600_000;

beforeAll(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
  // Every wait outlasts the test (a 429's, and the backoff after rejected credentials), so no start
  // is active again while the overview is read.
  service = await startTestService(
    {
      LIVESTREAM_RETRY_DELAY_MS: '600000',
      LIVESTREAM_BACKOFF_BASE_MS: '600000',
      LIVESTREAM_BACKOFF_MAX_MS: '600000',
    },
    zoom,
  );
  meetings = consoleMeetings(service, zoom);
  await meetings.waiting(85020000001, 'ov-waiting');
  await meetings.failed(85020000002, 'ov-failed');
  await meetings.streaming(85020000003, 'ov-started');
  await meetings.streaming(85020000004, 'ov-started-2');
  // Last, as it leaves the worker without a token: Zoom refuses the app's credentials.
  zoom.revokeTokens();
  zoom.scriptOAuth({
    status: 401,
    body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' },
  });
  await post(
    service.url,
    signed(meetingEvent('meeting.started', { id: 85020000005, uuid: 'ov-oauth' })),
  );
  // The start waits for credentials that work (until its deadline) instead of failing.
  await eventually(async () => {
    const job = await service.queue.getJob(startJobId('meeting', 'ov-oauth'));
    return readProgress(job?.progress).reason === 'oauth_rejected' && (await job?.isDelayed());
  });
});
afterAll(async () => {
  await service.stop();
  await zoom.close();
});

describe('the console overview', () => {
  it('counts meetings by state and by source, and charts the hour they started in', async () => {
    const now = Date.now();
    const o = await readOverview([service.queue], now, TEN_MINUTES);
    expect(o.byState).toEqual({ waiting: 2, failed: 1, started: 2 });
    expect(o.bySource).toEqual({ webhook: 5 });
    expect(o.kept).toBe(5);
    expect(o.capped).toBe(false);
    const hour = o.hours.at(-1)!;
    expect(o.hours).toHaveLength(24);
    expect(hour.at).toBeLessThanOrEqual(now);
    expect([hour.started, hour.failed]).toEqual([2, 1]);
    expect(hour.medianToStreamMs).toBeGreaterThanOrEqual(0);
    expect(o.hours.slice(0, -1).every((h) => h.started + h.failed === 0)).toBe(true);
  });

  it('puts what needs a person first: credentials, failed, then a start waiting too long', async () => {
    const now = Date.now();
    const soon = await readOverview([service.queue], now, TEN_MINUTES);
    expect(soon.attention.map((a) => [a.status.meetingId, a.why])).toEqual([
      ['85020000005', 'credentials'],
      ['85020000002', 'failed'],
    ]);
    const later = await readOverview([service.queue], now + TEN_MINUTES + 1000, TEN_MINUTES);
    expect(later.attention.map((a) => [a.status.meetingId, a.why])).toEqual([
      ['85020000005', 'credentials'],
      ['85020000002', 'failed'],
      ['85020000001', 'waiting long'],
    ]);
  });

  it('leaves out what finished more than 24 hours ago, and reads in a fixed number of steps', async () => {
    const tomorrow = await readOverview([service.queue], Date.now() + OVERVIEW_WINDOW_MS + 1000, 1);
    expect(tomorrow.byState).toEqual({ waiting: 2 });
    expect(tomorrow.kept).toBe(5);
    // BullMQ's counts, one pipeline of ids, one pipeline of every job: no round trip per job.
    expect(
      await roundTrips(service.prefix, (q) => readOverview([q], Date.now(), TEN_MINUTES)),
    ).toBe(3);
  });
});
