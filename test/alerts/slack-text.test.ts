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
