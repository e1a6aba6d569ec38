import { writeFileSync } from 'node:fs';
import { createRulesStore } from '../../src/policy/rules-store';
import { loadRules } from '../../src/policy/load-rules';
import { DEFAULT_RULES, matchRule, RulesError, type MeetingFacts } from '../../src/policy/rules';
import { tempFile } from '../support/files';
import { captureLog } from '../support/log-capture';

const RULES_YAML = `
rules:
  - name: skip-internal
    match: { topic: "/internal|1:1/i" }
    action: skip
  - name: board
    match: { meeting_ids: [85012345678, "11111111111"] }
    action: stream
    stream:
      stream_url: rtmp://a.rtmp.youtube.com/live2
      stream_key: \${YOUTUBE_STREAM_KEY}
      page_url: https://www.youtube.com/@church/live
      resolution: 1080p
    settings: { display_name: Board meeting, active_speaker_name: false }
  - name: pastor
    match: { host_ids: [host-pastor], meeting_types: [2, 8] }
    action: stream
  - name: webinars
    match: { event: webinar }
    action: stream
  - name: sunday
    match: { topic: "^Sunday" }
    action: stream
`;

const rules = () =>
  loadRules(tempFile('rules.yaml', RULES_YAML), { YOUTUBE_STREAM_KEY: 'yt-key-1234' });
const meeting = (over: Partial<MeetingFacts>): MeetingFacts => ({
  kind: 'meeting',
  meetingId: '1',
  ...over,
});

describe('matchRule', () => {
  it.each<[string, Partial<MeetingFacts>, string | undefined]>([
    [
      'a meeting id in the list (number in the file)',
      { meetingId: '85012345678', topic: 'Board' },
      'board',
    ],
    ['a meeting id in the list (string in the file)', { meetingId: '11111111111' }, 'board'],
    ['a host id and meeting type', { hostId: 'host-pastor', meetingType: 8 }, 'pastor'],
    ['a host id with another meeting type', { hostId: 'host-pastor', meetingType: 1 }, undefined],
    ['a topic regex', { topic: 'Sunday service' }, 'sunday'],
    ['a topic that does not start with it', { topic: 'Not Sunday' }, undefined],
    ['no topic at all for a topic rule', { hostId: 'someone' }, undefined],
    ['the event kind', { kind: 'webinar', meetingId: '999' }, 'webinars'],
    [
      'first match wins: skip before board',
      { meetingId: '85012345678', topic: 'INTERNAL board' },
      'skip-internal',
    ],
    ['no rule at all', { meetingId: '2', topic: 'Choir practice' }, undefined],
  ])('%s', (_label, over, expected) => {
    expect(matchRule(rules(), meeting(over))?.name).toBe(expected);
  });

  it('resolves ${VAR} references and reads settings and targets', () => {
    const board = rules().find((r) => r.name === 'board')!;
    expect(board.stream).toEqual({
      stream_url: 'rtmp://a.rtmp.youtube.com/live2',
      stream_key: 'yt-key-1234',
      page_url: 'https://www.youtube.com/@church/live',
      resolution: '1080p',
    });
    expect(board.settings).toEqual({ display_name: 'Board meeting', active_speaker_name: false });
    expect(rules()[0]).toMatchObject({ action: 'skip' });
  });

  it('streams everything by default (no rules file)', () => {
    expect(matchRule(DEFAULT_RULES, meeting({}))?.action).toBe('stream');
  });

  it('reads JSON as well as YAML', () => {
    const file = tempFile(
      'rules.json',
      JSON.stringify({ rules: [{ name: 'all', action: 'stream' }] }),
    );
    expect(loadRules(file, {})).toEqual([{ name: 'all', action: 'stream', match: {} }]);
  });
});

describe('loadRules errors', () => {
  function problems(yaml: string, env: Record<string, string> = {}): string[] {
    try {
      loadRules(tempFile('rules.yaml', yaml), env);
    } catch (err) {
      if (err instanceof RulesError) return [...err.problems];
      throw err;
    }
    throw new Error('expected a RulesError');
  }

  it('names the rule and the field of every problem', () => {
    const found = problems(`
rules:
  - name: ok
    action: stream
  - name: broken-target
    action: stream
    stream: { stream_url: rtmp://x, stream_key: k, page_url: not-a-url, resolution: 4k }
  - name: bad-regex
    action: stream
    match: { topic: "([" }
  - name: skipper
    action: skip
    stream: { stream_url: rtmp://x, stream_key: k, page_url: https://x.example }
  - action: sideways
  - name: typo
    action: stream
    match: { meeting_id: [1] }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rules\[1\] \(broken-target\)\.stream\.page_url: /),
        expect.stringMatching(/^rules\[1\] \(broken-target\)\.stream\.resolution: /),
        expect.stringMatching(
          /^rules\[2\] \(bad-regex\)\.match\.topic: not a usable regular expression/,
        ),
        expect.stringMatching(
          /^rules\[3\] \(skipper\)\.action: a skip rule takes no stream or settings/,
        ),
        expect.stringMatching(/^rules\[4\]\.name: /),
        expect.stringMatching(/^rules\[4\]\.action: /),
        expect.stringMatching(/^rules\[5\] \(typo\)\.match: .*meeting_id/),
      ]),
    );
  });

  it('names a missing environment variable without printing any value', () => {
    const found = problems(`
rules:
  - name: yt
    action: stream
    stream: { stream_url: rtmp://x, stream_key: "\${NOT_SET_KEY}", page_url: https://x.example }
`);
    expect(found).toEqual([
      'rules[0] (yt).stream.stream_key: references ${NOT_SET_KEY}, which is not set',
    ]);
  });

  it('refuses a missing file, bad YAML, an empty list and duplicate names', () => {
    expect(() => loadRules('/nonexistent/rules.yaml', {})).toThrow(/cannot be read: ENOENT/);
    expect(problems('rules: [ {')).toEqual([expect.stringContaining('cannot be read')]);
    expect(problems('rules: []')).toEqual(['rules: must list at least one rule']);
    expect(problems('rules:\n  - {name: a, action: skip}\n  - {name: a, action: stream}')).toEqual([
      'rule name "a" is used twice',
    ]);
  });
});

describe('rules store', () => {
  it('never logs the resolved stream key, and keeps the old rules when a reload is invalid', () => {
    const file = tempFile('rules.yaml', RULES_YAML);
    const logs = captureLog();
    const store = createRulesStore(file, { YOUTUBE_STREAM_KEY: 'yt-key-1234' }, logs.log);
    expect(store.current()).toHaveLength(5);
    writeFileSync(file, 'rules:\n  - {name: only, action: skip}\n');
    store.reload();
    expect(store.current().map((r) => r.name)).toEqual(['only']);
    writeFileSync(file, 'rules: nope');
    store.reload();
    expect(store.current().map((r) => r.name)).toEqual(['only']);
    expect(logs.lines.at(-1)).toMatchObject({
      level: 50,
      msg: expect.stringContaining('previous rules stay in force'),
    });
    expect(logs.text()).not.toContain('yt-key-1234');
  });
});
