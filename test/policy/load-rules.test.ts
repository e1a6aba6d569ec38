import { loadRules } from '../../src/policy/load-rules';
import { matchRule, RulesError } from '../../src/policy/rules';
import { tempFile } from '../support/files';

function problems(content: string, env: Record<string, string> = {}): string[] {
  try {
    loadRules(tempFile('rules.yaml', content), env);
  } catch (err) {
    if (err instanceof RulesError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a RulesError');
}

describe('topic patterns run in linear time', () => {
  it('matches a nested-quantifier pattern as a plain regular expression would', () => {
    const rules = loadRules(
      tempFile(
        'rules.yaml',
        'rules:\n  - { name: as, action: stream, match: { topic: "^(a+)+$" } }',
      ),
      {},
    );
    const topic = (t: string) => matchRule(rules, { kind: 'meeting', meetingId: '1', topic: t });
    expect(topic('aaa!')).toBeUndefined();
    expect(topic('a'.repeat(40))?.name).toBe('as');
  });

  it('honours /…/flags', () => {
    const rules = loadRules(
      tempFile(
        'rules.yaml',
        'rules:\n  - { name: s, action: skip, match: { topic: "/^sun.day$/is" } }',
      ),
      {},
    );
    const match = (t: string) => matchRule(rules, { kind: 'meeting', meetingId: '1', topic: t });
    expect(match('SUN\nDAY')?.name).toBe('s');
    expect(match('a SUNDAY')).toBeUndefined();
  });

  it('refuses backreferences, lookaround and unknown flags, naming the rule', () => {
    expect(
      problems(`rules:
  - { name: backref, action: stream, match: { topic: "(a)\\\\1" } }
  - { name: ahead, action: stream, match: { topic: "foo(?=bar)" } }
  - { name: behind, action: stream, match: { topic: "(?<!x)y" } }
  - { name: sticky, action: stream, match: { topic: "/x/y" } }
`),
    ).toEqual([
      expect.stringMatching(/^rules\[0\] \(backref\)\.match\.topic: .*linear time/),
      expect.stringMatching(/^rules\[1\] \(ahead\)\.match\.topic: .*linear time/),
      expect.stringMatching(/^rules\[2\] \(behind\)\.match\.topic: .*linear time/),
      expect.stringMatching(/^rules\[3\] \(sticky\)\.match\.topic: .*flag "y"/),
    ]);
  });
});

describe('rules file validation', () => {
  it('reports every problem of a rule at once, an unset variable included', () => {
    const found = problems(`rules:
  - name: yt
    action: stream
    match: { meeting_ids: [0], topic: "((" }
    stream: { stream_url: a.rtmp.youtube.com/live2, stream_key: "\${UNSET_KEY}", page_url: nope }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        'rules[0] (yt).stream.stream_key: references ${UNSET_KEY}, which is not set',
        'rules[0] (yt).stream.stream_url: must start with rtmp:// or rtmps://',
        expect.stringMatching(/^rules\[0\] \(yt\)\.stream\.page_url: /),
        expect.stringMatching(/^rules\[0\] \(yt\)\.match\.meeting_ids\.0: /),
        expect.stringMatching(/^rules\[0\] \(yt\)\.match\.topic: /),
      ]),
    );
    expect(found).toHaveLength(5);
  });

  it('accepts rtmp:// and rtmps:// stream URLs only', () => {
    const rule = (url: string) =>
      `rules:\n  - name: r\n    action: stream\n    stream: { stream_url: "${url}", stream_key: k, page_url: https://x.example }\n`;
    expect(
      loadRules(tempFile('rules.yaml', rule('rtmps://live.example:443/app')), {}),
    ).toHaveLength(1);
    expect(loadRules(tempFile('rules.yaml', rule('RTMP://live.example/app')), {})).toHaveLength(1);
    for (const url of ['https://live.example/app', 'live.example/app', 'rtmp:/x'])
      expect(problems(rule(url))).toEqual([
        'rules[0] (r).stream.stream_url: must start with rtmp:// or rtmps://',
      ]);
  });

  it('gives the whole YAML syntax error with its position, without quoting the file', () => {
    const [problem] = problems('rules:\n  - name: a\n   action: secret-looking-line');
    expect(problem).toMatch(/^cannot be read: line \d+, column \d+: \S.*[a-z]$/);
    expect(problem).not.toContain('secret-looking-line');
    expect(problem).not.toContain('\n');
  });

  it('says a foreign file is not a rules file and never echoes its content', () => {
    const dotenv = problems(
      'ZOOM_CLIENT_SECRET: hunter2-secret\nDATABASE_URL: postgres://u:p@h/db\n',
    );
    expect(dotenv).toEqual(['not a rules file: expected a top-level `rules:` list']);
    const text = problems('root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin\n');
    expect(text).toEqual(['not a rules file: expected a top-level `rules:` list']);
    const extra = problems('rules: [{ name: a, action: skip }]\nAPI_TOKEN_abc123: 1\n');
    expect(extra).toEqual(['only the top-level key `rules` is allowed (1 other keys found)']);
    expect(problems('rules: nope')).toEqual(['rules: must be a list of rules']);
  });

  it('refuses meeting id 0 whether written as a number or a string', () => {
    const found = problems(`rules:
  - { name: n, action: stream, match: { meeting_ids: [0] } }
  - { name: s, action: stream, match: { meeting_ids: ["0"] } }
`);
    expect(found).toEqual([
      'rules[0] (n).match.meeting_ids.0: must be a positive whole number',
      'rules[1] (s).match.meeting_ids.0: must be a positive whole number',
    ]);
  });
});
