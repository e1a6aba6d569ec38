import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { spawnService } from '../faults/processes';
import { redisUrl, uniquePrefix } from '../support/redis';
import { eventually, finishedJob, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, SECRET, signed } from '../support/webhook';

const ROOT = join(__dirname, '..', '..');
// A topic is the meeting host's text: it may hold anything, terminal escapes included.
const HOSTILE_TOPIC = 'Board \u001b[2J\u009b31m\u202eweekly\r\nmeeting';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

let zoom: ZoomSandbox;
let service: TestService | undefined;
beforeEach(async () => (zoom = await startZoomSandbox({ rateLimitedStarts: 1 })));
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await zoom.close();
});

it('every worker line about a meeting carries its meeting id and topic, JSON-escaped', async () => {
  service = await startTestService({}, zoom);
  await post(service.url, signed(meetingEvent('meeting.started', { topic: HOSTILE_TOPIC })));
  await finishedJob(service, startJobId('meeting', 'uuid-1=='));
  const about = service.logs.lines.filter((l) => l.jobId === startJobId('meeting', 'uuid-1=='));
  expect(about.map((l) => l.msg)).toEqual(
    expect.arrayContaining(['livestream start deferred', 'livestream started']),
  );
  for (const line of about)
    expect(line).toMatchObject({ meetingId: '85012345678', topic: HOSTILE_TOPIC });
  // JSON escapes C0 (escape, line breaks); the value itself is kept exact for log collectors.
  // eslint-disable-next-line no-control-regex
  expect(service.logs.text()).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
});

it('writes JSON lines when stdout is not a terminal and LOG_FORMAT is unset', async () => {
  const s = await spawnService('all', redisUrl(), uniquePrefix(), zoom, {
    LIVESTREAM_RETRY_DELAY_MS: '200',
  });
  try {
    await post(s.url, signed(meetingEvent('meeting.started', { topic: 'Town hall' })));
    await eventually(() => s.output().includes('"msg":"livestream started"'));
  } finally {
    expect(await s.kill('SIGTERM')).toBe(0);
  }
  const lines = s.output().trim().split('\n');
  for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  expect(lines.some((l) => l.includes('"topic":"Town hall"'))).toBe(true);
}, 60_000);

it('LOG_FORMAT=pretty prints human-readable lines, free of control characters', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      LOG_FORMAT: 'pretty',
      REDIS_URL: redisUrl(),
      QUEUE_PREFIX: uniquePrefix(),
      PORT: '0',
      HOST: '127.0.0.1',
      ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
      ZOOM_ACCOUNT_ID: zoom.credentials.accountId,
      ZOOM_CLIENT_ID: zoom.credentials.clientId,
      ZOOM_CLIENT_SECRET: zoom.credentials.clientSecret,
      ZOOM_API_BASE_URL: zoom.apiBaseUrl,
      ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
      LIVESTREAM_RETRY_DELAY_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((done) => child.once('exit', (code) => done(code)));
  try {
    const url = await eventually(
      () => /service started\n(?:\s+\w+: .*\n)*?\s+url: "(http:[^"]+)"/.exec(output)?.[1],
      30_000,
    );
    await post(url, signed(meetingEvent('meeting.started', { topic: HOSTILE_TOPIC })));
    await eventually(() => /INFO.*: livestream started\n/.test(output), 20_000);
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
  expect(output).toMatch(/INFO.*: livestream start deferred\n(?:\s+.*\n)*?\s+reason: "/);
  expect(output).toMatch(/\n\s+topic: "Board .*weekly.*meeting"\n/);
  expect(output).toMatch(/\n\s+meetingId: "85012345678"\n/);
  expect(output).not.toMatch(/^\{/m);
  expect(output).not.toMatch(CONTROL);
}, 60_000);
