import { Redis } from 'ioredis';
import { redisUrl } from '../support/redis';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let service: TestService;
beforeEach(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 1 });
  service = await startTestService({ LIVESTREAM_RETRY_DELAY_MS: '200' }, zoom);
});
afterEach(async () => {
  await service.stop();
  await zoom.close();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${service.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

it('counts webhooks by outcome, Zoom answers, 429 waits, token fetches and start latency', async () => {
  const before = await scrape();
  expect(before).toContain('process_cpu_user_seconds_total'); // default Node metrics
  expect(
    value(
      before,
      'zlw_webhooks_total{event="meeting.started",outcome="accepted",account="default"}',
    ),
  ).toBe(0);

  await post(service.url, signed(meetingEvent('meeting.started')));
  await post(service.url, signed(meetingEvent('meeting.started')));
  await post(service.url, signed(meetingEvent('meeting.started'), { secret: 'wrong' }));
  await post(service.url, signed(meetingEvent('meeting.started'), { timestamp: '1000000000' }));
  await post(service.url, signed('{"nope":1}'));
  await eventually(() => zoom.started.size === 1);
  // The outcome is counted once the job has recorded it, just after Zoom's answer.
  const after = await eventually(async () => {
    const text = await scrape();
    return value(
      text,
      'zlw_livestream_start_outcomes_total{account="default",outcome="started"}',
    ) === 1
      ? text
      : undefined;
  });
  for (const [outcome, event] of [
    ['accepted', 'meeting.started'],
    ['duplicate', 'meeting.started'],
    ['bad_signature', 'unknown'],
    ['stale', 'unknown'],
    ['invalid', 'unknown'],
  ])
    expect(
      value(after, `zlw_webhooks_total{event="${event}",outcome="${outcome}",account="default"}`),
    ).toBe(1);
  for (const status of ['429', '204'])
    expect(
      value(
        after,
        `zlw_zoom_requests_total{account="default",endpoint="livestream.status",status="${status}"}`,
      ),
    ).toBe(1);
  expect(
    value(after, 'zlw_livestream_waits_total{account="default",reason="livestream_rate_limited"}'),
  ).toBe(1);
  expect(
    value(after, 'zlw_livestream_start_outcomes_total{account="default",outcome="started"}'),
  ).toBe(1);
  expect(value(after, 'zlw_oauth_token_fetches_total{account="default",outcome="ok"}')).toBe(1);
  expect(value(after, 'zlw_livestream_start_latency_seconds_count{account="default"}')).toBe(1);
  expect(
    value(after, 'zlw_livestream_start_latency_seconds_bucket{le="0.1",account="default"}'),
  ).toBe(0);
  expect(after).toContain(
    'zlw_livestream_start_latency_seconds_bucket{le="0.1",account="default"}',
  );
  await eventually(async () =>
    value(await scrape(), 'zlw_start_jobs_finished_total{account="default",state="started"}') === 1
      ? true
      : undefined,
  );
});

it('counts 503s while Redis cannot take the job', async () => {
  const client = new Redis(redisUrl());
  // Simulate a full Redis for this one write: BullMQ's add fails, the receiver answers 503.
  await client.config('SET', 'maxmemory', '1');
  try {
    const res = await post(
      service.url,
      signed(meetingEvent('meeting.started', { uuid: 'no-room' })),
    );
    expect(res.status).toBe(503);
  } finally {
    await client.config('SET', 'maxmemory', '0');
    client.disconnect();
  }
  expect(
    value(
      await scrape(),
      'zlw_webhooks_total{event="meeting.started",outcome="unavailable",account="default"}',
    ),
  ).toBe(1);
});
