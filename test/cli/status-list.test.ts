import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { displayWidth } from '../../src/cli/column-text';
import { cli } from '../support/cli';
import { redisUrl } from '../support/redis';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { startJobId } from '../../src/domain/start-job';

const LONG_TOPIC =
  'Easter Sunday morning celebration with the full parish choir, the youth band and a visiting preacher';

let zoom: ZoomSandbox;
let service: TestService;
let env: Record<string, string>;
/** When the long-topic meeting's next attempt is due. */
let dueAt: number;

beforeAll(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
  service = await startTestService({ LIVESTREAM_RETRY_DELAY_MS: '60000' }, zoom);
  env = { QUEUE_PREFIX: service.prefix };
  await post(
    service.url,
    signed(meetingEvent('meeting.started', { uuid: 'long', topic: LONG_TOPIC })),
  );
  await post(
    service.url,
    signed(meetingEvent('meeting.started', { id: 93012345678, uuid: 'short', topic: 'Choir' })),
  );
  for (const uuid of ['long', 'short'])
    await eventually(async () =>
      (await service.queue.getJob(startJobId('meeting', uuid)))?.isDelayed(),
    );
  const json = JSON.parse((await cli(['status', '85012345678', '--json'], env)).out) as {
    nextAttemptAt: string;
  }[];
  dueAt = Date.parse(json[0]!.nextAttemptAt);
});
afterAll(async () => {
  await service.stop();
  await zoom.close();
});

/** The TOPIC cell of each meeting line: from where the header puts the column to the end. */
function topicCells(out: string): string[] {
  const [header, ...rows] = out.trimEnd().split('\n');
  const at = header!.indexOf('TOPIC');
  expect(at).toBeGreaterThan(0);
  return rows.map((r) => r.slice(at));
}

describe.each([80, 100])('status on a %i-column terminal', (columns) => {
  it('fits every line, keeps the topic cut at a word, and tells an overdue attempt', async () => {
    const run = await cli(['status'], env, undefined, { columns, now: () => dueAt + 22_000 });
    expect(run.code).toBe(0);
    const lines = run.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3); // the header and two meetings
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(columns);

    const long = lines.find((l) => l.startsWith('85012345678'))!;
    expect(long).toMatch(/^85012345678\s+waiting\s+1\s+overdue by 22 s\s+429\b/);
    const [longTopic, shortTopic] = topicCells(run.out).sort((a, b) => b.length - a.length);
    expect(shortTopic).toBe('Choir');
    expect(longTopic).toMatch(/^Easter .*…$/);
    const kept = longTopic!.slice(0, -1);
    expect(LONG_TOPIC.startsWith(kept)).toBe(true);
    expect(LONG_TOPIC.slice(kept.length)).toMatch(/^[ ,]/); // the next word was not cut into
  });
});

it('gives the whole short answer at 100 columns, and a future attempt as "in N s"', async () => {
  const run = await cli(['status'], env, undefined, { columns: 100, now: () => dueAt - 5_000 });
  const long = run.out.split('\n').find((l) => l.startsWith('85012345678'))!;
  expect(long).toMatch(/\bin 5 s\s+429 · 429 · rate limited\s+Easter/);
});

it('lays the list out for 100 columns when stdout is not a terminal', async () => {
  const now = () => dueAt;
  const piped = await cli(['status'], env, undefined, { now });
  expect(piped.out).toBe((await cli(['status'], env, undefined, { now, columns: 100 })).out);
  expect(piped.out).not.toBe((await cli(['status'], env, undefined, { now, columns: 80 })).out);
});

it('keeps the details for the single-meeting view: the full Zoom message and the history', async () => {
  const run = await cli(['status', '85012345678'], env, undefined, { now: () => dueAt + 22_000 });
  expect(run.out).toContain(`"${LONG_TOPIC}"`);
  expect(run.out).toMatch(/next attempt: {2}\S+Z \(overdue by 22 s\)/);
  expect(run.out).toContain('Please retry after 30 seconds.');
  expect(run.out).toMatch(/history:\n {4}\d{4}-\d\d-\d\dT\S+Z {2}retry:livestream_rate_limited/);
});

it('prints every time in --json as an ISO 8601 UTC string', async () => {
  const [status] = JSON.parse((await cli(['status', '85012345678', '--json'], env)).out) as Record<
    string,
    unknown
  >[];
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  const s = status as {
    receivedAt: string;
    nextAttemptAt: string;
    lastAnswer: { at: string };
    history: { at: string }[];
  };
  for (const time of [
    s.receivedAt,
    s.nextAttemptAt,
    s.lastAnswer.at,
    ...s.history.map((a) => a.at),
  ])
    expect(time).toMatch(iso);
  expect(s.history).toHaveLength(1);
});

it('takes the width from a real terminal: 80 columns in a pseudo-terminal', async () => {
  const root = join(__dirname, '..', '..');
  const command = `stty cols 80 rows 20; exec "${process.execPath}" --import tsx src/cli.ts status`;
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: root,
    env: { PATH: process.env.PATH, REDIS_URL: redisUrl(), QUEUE_PREFIX: env.QUEUE_PREFIX },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise((done) => child.on('exit', done));
  expect(code).toBe(0);
  const lines = out.split('\r\n').filter((l) => l.trim() !== '');
  expect(lines[0]).toMatch(/^MEETING\s+STATE/);
  expect(lines).toHaveLength(3);
  for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
  expect(lines.some((l) => l.includes('Easter'))).toBe(true);
}, 30_000);
