import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { LivestreamSettings } from '../config/load-config';
import { resolveEnv, type MissingVariable } from './resolve-env';
import { ruleSchema } from './rule-schema';
import { RulesError, type Rule } from './rules';
import type { StreamTarget } from '../domain/stream-target';
import { compileTopic, type TopicPattern } from './topic-pattern';

/**
 * Reads a rules file (YAML or JSON). `${NAME}` in any string is replaced by that environment
 * variable; a missing variable is an error naming it. Throws {@link RulesError} listing every
 * problem of every rule at once, never echoing a value or the content of a file that is not a
 * rules file.
 */
export function loadRules(file: string, env: Record<string, string | undefined>): Rule[] {
  const list = readRuleList(file);
  const problems: string[] = [];
  const rules: Rule[] = [];
  list.forEach((raw, index) => {
    const label = `rules[${index}]${isNamed(raw) ? ` (${raw.name})` : ''}`;
    const { rule, problems: found } = checkRule(raw, env);
    problems.push(...found.map((p) => `${label}.${p}`));
    if (rule && found.length === 0) rules.push(rule);
  });
  const names = list.filter(isNamed).map((r) => r.name);
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
    problems.push(`rule name "${name}" is used twice`);
  if (problems.length > 0) throw new RulesError(file, problems);
  return rules;
}

/** The `rules` list of the file, or a {@link RulesError} that says what the file is not. */
function readRuleList(file: string): unknown[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RulesError(file, [`cannot be read: ${describeReadError(err)}`]);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !('rules' in doc))
    throw new RulesError(file, ['not a rules file: expected a top-level `rules:` list']);
  const problems: string[] = [];
  const others = Object.keys(doc).filter((k) => k !== 'rules').length;
  if (others > 0)
    problems.push(`only the top-level key \`rules\` is allowed (${others} other keys found)`);
  const { rules } = doc;
  const list: unknown[] = Array.isArray(rules) ? rules : [];
  if (!Array.isArray(rules)) problems.push('rules: must be a list of rules');
  else if (list.length === 0) problems.push('rules: must list at least one rule');
  if (problems.length > 0) throw new RulesError(file, problems);
  return list;
}

/** One rule's problems, each as `field: message`, and the rule when it has none. */
function checkRule(
  raw: unknown,
  env: Record<string, string | undefined>,
): { rule?: Rule; problems: string[] } {
  const missing: MissingVariable[] = [];
  const resolved = resolveEnv(raw, env, missing);
  const problems = missing.map((m) => `${m.path}: references \${${m.name}}, which is not set`);
  const unset = new Set(missing.map((m) => m.path));
  const parsed = ruleSchema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      if (!unset.has(path)) problems.push(`${path}: ${issue.message}`); // already said: unset
    }
  }
  const written = topicOf(resolved);
  let topic: TopicPattern | undefined;
  if (written !== undefined) {
    try {
      topic = compileTopic(written);
    } catch (err) {
      problems.push(`match.topic: not a usable regular expression: ${(err as Error).message}`);
    }
  }
  if (!parsed.success) return { problems };
  const r = parsed.data;
  const rule: Rule = {
    name: r.name,
    action: r.action,
    match: {
      ...(r.match.meeting_ids && { meetingIds: r.match.meeting_ids }),
      ...(r.match.host_ids && { hostIds: r.match.host_ids }),
      ...(topic && { topic }),
      ...(r.match.meeting_types && { meetingTypes: r.match.meeting_types }),
      ...(r.match.event && { event: r.match.event }),
    },
    ...(r.stream && { stream: stripUndefined(r.stream) as StreamTarget }),
    ...(r.settings && { settings: stripUndefined(r.settings) as LivestreamSettings }),
  };
  return { rule, problems };
}

/** The whole message, without the excerpt of the file the YAML parser appends to it. */
function describeReadError(err: unknown): string {
  if (err instanceof YAMLParseError) {
    const message = err.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    const at = err.linePos?.[0];
    return at ? `line ${at.line}, column ${at.col}: ${message}` : message;
  }
  return (err as Error).message;
}

function topicOf(rule: unknown): string | undefined {
  const topic = (rule as { match?: { topic?: unknown } } | null)?.match?.topic;
  return typeof topic === 'string' && topic !== '' ? topic : undefined;
}

function isNamed(value: unknown): value is { name: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
