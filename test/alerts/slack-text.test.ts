import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let sink: HttpSink;
let service: TestService;
afterEach(async () => {
  await service.stop();
  await sink.close();
  await zoom.close();
});

it('escapes &, < and > in the Slack text of an alert; the structured fields stay raw', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  sink = await startHttpSink();
  service = await startTestService({ ALERT_WEBHOOK_URL: sink.url }, zoom);
  const topic = '<!channel> Q&A <https://evil.example|Click here>';
  const message = 'Cannot access <meeting> & info.';
  zoom.script({ status: 400, body: { code: 3000, message } });
  await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'markup', topic })));
  await eventually(() => sink.received.length === 1);

  const body = sink.received[0]!.body as { text: string; topic: string; reason: string };
  expect(body.text).toContain(
    '"&lt;!channel&gt; Q&amp;A &lt;https://evil.example|Click here&gt;": ',
  );
  expect(body.text).toContain('Cannot access &lt;meeting&gt; &amp; info.');
  expect(body.text).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
  expect(body.topic).toBe(topic);
  expect(body.reason).toContain(message);
});

it('removes control characters, escape sequences and bidi overrides from the alert text and fields', async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  sink = await startHttpSink();
  service = await startTestService({ ALERT_WEBHOOK_URL: sink.url }, zoom);
  // A red, bell-ringing, retitling topic over two lines, with its end shown reversed.
  const topic =
    '\x1b[31mSunday\x1b[0m service\x07\x00\x9b2J\x1b]0;pwned\x07\nline two \u202eesrever\u202c \u2066x\u2069';
  const message = 'Cannot access\r\nmeeting\x1b[2K info.\x85';
  zoom.script({ status: 400, body: { code: 3000, message } });
  await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'controls', topic })));
  await eventually(() => sink.received.length === 1);

  const body = sink.received[0]!.body as Record<string, unknown>;
  // eslint-disable-next-line no-control-regex
  const controls = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
  for (const [field, value] of Object.entries(body))
    if (typeof value === 'string')
      expect([field, value]).not.toEqual([field, expect.stringMatching(controls)]);
  expect(body.topic).toBe('Sunday service line two esrever x');
  expect(body.text).toContain('"Sunday service line two esrever x": ');
  expect(body.reason).toContain('Cannot access  meeting info. ');
  expect(body.text).toContain('Cannot access  meeting info. ');
});
