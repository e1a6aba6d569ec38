import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { cli } from '../support/cli';
import { tempFile } from '../support/files';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

/** Anything a terminal would act on: C0 but the newline, DEL, C1. */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

// A host picks the topic, Zoom writes the message, a colleague names the rule: all untrusted.
const TOPIC = 'Sunday \x1b[31mservice\x1b[0m\x1b]0;pwned\x07\r\nFAKE LINE\x9b2J';
const ZOOM_MESSAGE = 'Cannot \x1b]8;;https://evil.example\x07access\x1b]8;;\x07 meeting\x7f info.';
const RULES = tempFile(
  'rules.yaml',
  'rules:\n  - name: "all\\e[2J\\e]0;title\\a"\n    action: stream\n',
);

let zoom: ZoomSandbox;
let service: TestService;
beforeAll(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  service = await startTestService({ LIVESTREAM_RULES_FILE: RULES }, zoom);
  zoom.script({ status: 400, body: { code: 3000, message: ZOOM_MESSAGE } });
  await post(
    service.url,
    signed(meetingEvent('meeting.started', { uuid: 'hostile', topic: TOPIC })),
  );
  const jobId = startJobId('meeting', 'hostile');
  await eventually(async () => (await service.queue.getJobState(jobId)) === 'failed');
});
afterAll(async () => {
  await service.stop();
  await zoom.close();
});

it('prints no control character of a topic, a Zoom message or a rule name in status', async () => {
  const env = { QUEUE_PREFIX: service.prefix };
  const table = await cli(['status'], env);
  const detail = await cli(['status', '85012345678'], env);
  for (const run of [table, detail]) {
    expect(run.code).toBe(0);
    expect(run.out).not.toMatch(TERMINAL_CONTROL);
    expect(run.out).toContain('Cannot access');
    expect(run.out).not.toMatch(/^FAKE LINE/m);
  }
  expect(detail.out).toContain('Cannot access meeting info.');
  expect(table.out.trimEnd().split('\n')).toHaveLength(2); // the header and one meeting
  expect(detail.out).toContain('"Sunday service  FAKE LINE"');
  expect(detail.out).toContain('rule:          all\n');
  // The machine-readable form keeps the text as it was, JSON-escaped.
  const json = (await cli(['status', '--json'], env)).out;
  expect(json).not.toMatch(TERMINAL_CONTROL);
  expect(JSON.parse(json)).toEqual([
    expect.objectContaining({ topic: TOPIC, rule: expect.stringContaining('\x1b[2J') }),
  ]);
});

it('prints no control character of a rule name in rules test', async () => {
  const event = tempFile('event.json', JSON.stringify(meetingEvent('meeting.started')));
  const run = await cli(['rules', 'test', event, '--file', RULES]);
  expect(run).toEqual({
    code: 0,
    err: '',
    out: 'rule "all" matches: stream\n  PATCH /meetings/85012345678/livestream/status {"action":"start"}\n',
  });
});

it('prints no control character of an argument echoed in an error', async () => {
  const run = await cli(['status', '12\x1b[2J']);
  expect(run.code).toBe(2);
  expect(run.err).toContain('meeting id must be a positive whole number, got "12"');
  expect(run.err).not.toMatch(TERMINAL_CONTROL);
});
