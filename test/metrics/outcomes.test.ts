import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let service: TestService;
beforeEach(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
  service = await startTestService({ LIVESTREAM_RETRY_DELAY_MS: '60000' }, zoom);
});
afterEach(async () => {
  await service.stop();
  await zoom.close();
});

const scrape = async (): Promise<string> => (await fetch(`${service.url}/metrics`)).text();
const series = (text: string, prefix: string): string[] =>
  text.split('\n').filter((l) => l.startsWith(prefix));

it('counts made-up event names as one "other" series', async () => {
  for (const event of ['made.up.one', 'made.up.two', 'x'.repeat(200)])
    expect((await post(service.url, signed({ event, payload: {} }))).status).toBe(204);
  const text = await scrape();
  expect(series(text, 'zlw_webhooks_total{event="other"')).toEqual([
    'zlw_webhooks_total{event="other",outcome="ignored",account="default"} 3',
  ]);
  expect(text).not.toContain('made.up');
});

it('tells a cancelled start from a started one, and an end of an unknown meeting from a cancellation', async () => {
  const jobId = startJobId('meeting', 'ends-early');
  await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'ends-early' })));
  await eventually(async () => (await service.queue.getJob(jobId))?.isDelayed());
  await post(service.url, signed(meetingEvent('meeting.ended', { uuid: 'ends-early' })));
  await post(service.url, signed(meetingEvent('meeting.ended', { uuid: 'never-seen' })));
  await eventually(async () => (await service.queue.getJobState(jobId)) === 'completed');

  const text = await eventually(async () => {
    const t = await scrape();
    return t.includes('zlw_start_jobs_finished_total{account="default",state="cancelled"} 1')
      ? t
      : undefined;
  });
  expect(series(text, 'zlw_start_jobs_finished_total')).toEqual([
    'zlw_start_jobs_finished_total{account="default",state="started"} 0',
    'zlw_start_jobs_finished_total{account="default",state="live"} 0',
    'zlw_start_jobs_finished_total{account="default",state="stopped"} 0',
    'zlw_start_jobs_finished_total{account="default",state="skipped"} 0',
    'zlw_start_jobs_finished_total{account="default",state="cancelled"} 1',
    'zlw_start_jobs_finished_total{account="default",state="failed"} 0',
  ]);
  // Two ends were recorded; only one start existed to cancel, and nothing counts as completed.
  expect(series(text, 'zlw_webhooks_total{event="meeting.ended"')).toEqual([
    'zlw_webhooks_total{event="meeting.ended",outcome="ended",account="default"} 2',
  ]);
  expect(text).not.toContain('outcome="cancelled"');
  // The log line of each says the same word as the metric.
  const ended = service.logs.lines.filter((l) => l.event === 'meeting.ended').map((l) => l.outcome);
  expect(ended).toEqual(['ended', 'ended']);
  expect(series(text, 'zlw_jobs{')).not.toContainEqual(expect.stringContaining('completed'));
});

it('counts a start that failed for good once, as failed', async () => {
  zoom.script({ status: 400, body: { code: 3000, message: 'Cannot access meeting info.' } });
  await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'doomed' })));
  await eventually(async () =>
    (await scrape()).includes('zlw_start_jobs_finished_total{account="default",state="failed"} 1')
      ? true
      : undefined,
  );
  expect(series(await scrape(), 'zlw_jobs{account="default",state="failed"}')).toEqual([
    'zlw_jobs{account="default",state="failed"} 1',
  ]);
});
