import { RE2JS } from 're2js';

/** A compiled `match.topic`: tested in time linear in the topic, whatever the pattern. */
export interface TopicPattern {
  /** The pattern as written in the rules file. */
  readonly source: string;
  test(topic: string): boolean;
}

const FLAGS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  u: 0, // RE2 always matches Unicode code points
  g: 0, // meaningless for a yes/no test
};

/**
 * `^Sunday` is a case-sensitive pattern; `/^sunday/i` is a literal with flags (i, m, s; g and u
 * change nothing). Any host chooses a meeting's topic, so matching runs on RE2 (re2js, a pure
 * JavaScript port): no backtracking, so no topic can hold the worker. Patterns RE2 cannot run in
 * linear time (backreferences, lookahead, lookbehind) are refused with a reason.
 */
export function compileTopic(written: string): TopicPattern {
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(written);
  const pattern = literal ? literal[1]! : written;
  let flags = 0;
  for (const flag of literal ? literal[2]! : '') {
    const value = FLAGS[flag];
    if (value === undefined) throw new Error(`flag "${flag}" is not supported (use i, m or s)`);
    flags |= value;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, flags);
  } catch (err) {
    const reason = (err as Error).message.replace(/^error parsing regexp: /, '');
    throw new Error(
      /\\[1-9]|\(\?<?[=!]/.test(pattern)
        ? `backreferences and lookaround cannot be matched in linear time (${reason})`
        : reason,
    );
  }
  return { source: written, test: (topic) => re.test(topic) };
}
