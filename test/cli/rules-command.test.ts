import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli } from '../support/cli';
import { tempFile } from '../support/files';
import { meetingEvent } from '../support/webhook';

const ROOT = join(__dirname, '..', '..');

const RULES = tempFile(
  'rules.yaml',
  `rules:
  - name: skip-internal
    match: { topic: "/internal/i" }
    action: skip
  - name: youtube
    match: { meeting_ids: [85012345678] }
    action: stream
    stream: { stream_url: rtmp://a.rtmp.youtube.com/live2, stream_key: "\${YT_KEY}", page_url: https://youtube.com/live }
`,
);

it('prints the matching rule and the requests it would send, key redacted', async () => {
  const event = tempFile('event.json', JSON.stringify(meetingEvent('meeting.started')));
  const run = await cli(['rules', 'test', event], {
    LIVESTREAM_RULES_FILE: RULES,
    YT_KEY: 'secret-yt-key',
  });
  expect(run).toMatchObject({ code: 0, err: '' });
  expect(run.out).toBe(
    'rule "youtube" matches: stream\n' +
      '  PATCH /meetings/85012345678/livestream {"stream_url":"rtmp://a.rtmp.youtube.com/live2","stream_key":"[redacted]","page_url":"https://youtube.com/live"}\n' +
      '  PATCH /meetings/85012345678/livestream/status {"action":"start"}\n',
  );
});

it('says when a skip rule or no rule matches', async () => {
  const internal = tempFile(
    'event.json',
    JSON.stringify(meetingEvent('meeting.started', { topic: 'Internal sync' })),
  );
  expect((await cli(['rules', 'test', internal, '--file', RULES], { YT_KEY: 'k' })).out).toBe(
    'rule "skip-internal" matches: skip\n',
  );
  const other = tempFile(
    'event.json',
    JSON.stringify(meetingEvent('meeting.started', { id: 1, topic: 'Choir' })),
  );
  const json = JSON.parse(
    (await cli(['rules', 'test', other, '--file', RULES, '--json'], { YT_KEY: 'k' })).out,
  ) as Record<string, unknown>;
  expect(json).toMatchObject({ rule: null, action: 'skip', requests: [] });
});

it('fails clearly on an invalid rules file (exit 78) or a bad event file (exit 2)', async () => {
  const event = tempFile('event.json', JSON.stringify(meetingEvent('meeting.started')));
  const bad = tempFile('rules.yaml', 'rules:\n  - name: x\n    action: maybe\n');
  expect(await cli(['rules', 'test', event, '--file', bad])).toMatchObject({
    code: 78,
    err: expect.stringContaining('rules[0] (x).action'),
  });
  const ended = tempFile('event.json', JSON.stringify(meetingEvent('meeting.ended')));
  expect(await cli(['rules', 'test', ended])).toMatchObject({
    code: 2,
    err: expect.stringContaining('does not start a stream'),
  });
  expect((await cli(['rules', 'test', '/nope.json'])).code).toBe(2);
});

it('answers at once for a topic that would make a backtracking engine run for hours', () => {
  // A real process with a time limit: on a backtracking engine `^(a+)+$` against 40 a's and a `!`
  // never returns, the process is killed, and the expectations below fail.
  const rules = tempFile(
    'rules.yaml',
    'rules:\n  - { name: only-as, action: stream, match: { topic: "^(a+)+$" } }\n',
  );
  const event = tempFile(
    'event.json',
    JSON.stringify(meetingEvent('meeting.started', { topic: `${'a'.repeat(40)}!` })),
  );
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'rules', 'test', event, '--file', rules],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    },
  );
  expect({ status: run.status, out: run.stdout }).toEqual({
    status: 0,
    out: 'no rule matches: skip (logged)\n',
  });
}, 30_000);
