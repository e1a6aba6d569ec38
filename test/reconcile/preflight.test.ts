import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { tempFile } from '../support/files';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { moreSweeps } from '../support/reconcile';
import { startTestService, type TestService } from '../support/service';

let zoom: ZoomSandbox;
let service: TestService | undefined;
let sink: HttpSink;
beforeEach(async () => {
  zoom = await startZoomSandbox();
  sink = await startHttpSink();
});
afterEach(async () => {
  await service?.stop();
  await sink.close();
  await zoom.close();
  service = undefined;
});

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString().slice(0, 19) + 'Z';
const RULES = `
rules:
  - name: youtube
    match: { meeting_ids: [87000000003] }
    action: stream
    stream:
      stream_url: rtmp://a.rtmp.youtube.com/live2
      stream_key: preflight-key-123
      page_url: https://www.youtube.com/@church/live
  - name: internal
    match: { topic: "/internal/i" }
    action: skip
  - name: everything-else
    action: stream
`;

it('alerts once for an upcoming meeting without a stream target; none with a target (default lead 1 h)', async () => {
  const upcoming = { status: 'upcoming' as const, topic: 'Choir <b>rehearsal</b>' };
  zoom.declareMeeting({ id: 87000000001, ...upcoming, startTime: inMinutes(30) }); // no target
  zoom.declareMeeting({
    id: 87000000002,
    ...upcoming,
    startTime: inMinutes(30),
    livestream: {
      stream_url: 'rtmp://x/live',
      stream_key: 'zoom-side-key-456',
      page_url: 'https://x.example/',
    },
  }); // its own settings in Zoom
  zoom.declareMeeting({ id: 87000000003, ...upcoming, startTime: inMinutes(30) }); // rule target
  zoom.declareMeeting({
    id: 87000000004,
    status: 'upcoming',
    topic: 'Internal',
    startTime: inMinutes(30),
  }); // skipped
  zoom.declareMeeting({ id: 87000000005, ...upcoming, startTime: inMinutes(59) }); // inside the default lead
  zoom.declareMeeting({ id: 87000000006, ...upcoming, startTime: inMinutes(61) }); // beyond it
  service = await startTestService(
    {
      RECONCILE_USERS: 'host@sandbox.example',
      RECONCILE_INTERVAL_MS: '1000',
      ALERT_WEBHOOK_URL: sink.url,
      LIVESTREAM_RULES_FILE: tempFile('rules.yaml', RULES),
    },
    zoom,
  );
  await moreSweeps(service, 3);
  const alerts = sink.received.map((r) => r.body as Record<string, unknown>);
  expect(alerts.map((a) => [a.type, a.meeting_id]).sort()).toEqual([
    ['preflight_failed', '87000000001'],
    ['preflight_failed', '87000000005'],
  ]);
  expect(alerts[0]!.reason).toMatch(/no stream target: rule "everything-else".*Fix: /);
  expect(alerts[0]!.text).toContain('&lt;b&gt;rehearsal&lt;/b&gt;');
  // Each occurrence is checked once, not once per sweep.
  const details = zoom.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/livestream'));
  expect(details.map((r) => r.path).sort()).toEqual([
    '/v2/meetings/87000000001/livestream',
    '/v2/meetings/87000000002/livestream',
    '/v2/meetings/87000000003/livestream',
    '/v2/meetings/87000000005/livestream',
  ]);
  for (const key of ['preflight-key-123', 'zoom-side-key-456']) {
    expect(JSON.stringify(alerts)).not.toContain(key);
    expect(service.logs.text()).not.toContain(key);
  }
  expect(zoom.started.size).toBe(0); // upcoming meetings are checked, never started
});
