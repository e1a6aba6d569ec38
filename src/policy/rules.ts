import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { LivestreamSettings } from '../config/load-config';
import type { EventKind } from '../queue/start-queue';

/** Where a stream goes: set with `PATCH /meetings/{id}/livestream` before the start. */
export interface StreamTarget {
  stream_url: string;
  stream_key: string;
  page_url: string;
  resolution?: '720p' | '1080p';
}

export interface Rule {
  name: string;
  action: 'stream' | 'skip';
  match: {
    meetingIds?: readonly string[];
    hostIds?: readonly string[];
    topic?: RegExp;
    meetingTypes?: readonly number[];
    event?: EventKind;
  };
  stream?: StreamTarget;
  settings?: LivestreamSettings;
}

/** The facts of a meeting instance rules match on. */
export interface MeetingFacts {
  kind: EventKind;
  meetingId: string;
  hostId?: string | undefined;
  topic?: string | undefined;
  meetingType?: number | undefined;
}

/** Thrown for an unreadable or invalid rules file; each problem names the rule and the field. */
export class RulesError extends Error {
  override name = 'RulesError' as const;
  readonly code = 'RULES_INVALID';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid rules file ${file}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Without a rules file every meeting is streamed to the target already configured in Zoom. */
export const DEFAULT_RULES: readonly Rule[] = [{ name: 'default', action: 'stream', match: {} }];

const digits = z.union([
  z.string().regex(/^\d{1,20}$/, 'must be digits'),
  z.number().int().nonnegative().transform(String),
]);
const ruleSchema = z
  .object({
    name: z.string().min(1).max(100),
    action: z.enum(['stream', 'skip']),
    match: z
      .object({
        meeting_ids: z.array(digits).min(1).optional(),
        host_ids: z.array(z.string().min(1)).min(1).optional(),
        topic: z.string().min(1).optional(),
        meeting_types: z.array(z.number().int()).min(1).optional(),
        event: z.enum(['meeting', 'webinar']).optional(),
      })
      .strict()
      .default({}),
    stream: z
      .object({
        stream_url: z.string().min(1).max(1024),
        stream_key: z.string().min(1).max(512),
        page_url: z.url().max(1024),
        resolution: z.enum(['720p', '1080p']).optional(),
      })
      .strict()
      .optional(),
    settings: z
      .object({
        display_name: z.string().min(1).max(50).optional(),
        active_speaker_name: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => r.action === 'stream' || (r.stream === undefined && r.settings === undefined), {
    message: 'a skip rule takes no stream or settings',
    path: ['action'],
  });
const fileSchema = z
  .object({ rules: z.array(z.unknown()).min(1, 'must list at least one rule') })
  .strict();

/**
 * Reads a rules file (YAML or JSON). `${NAME}` in any string is replaced by that environment
 * variable, so stream keys stay out of the file; a missing variable is an error naming it.
 * Throws {@link RulesError} with every problem, never echoing a value.
 */
export function loadRules(file: string, env: Record<string, string | undefined>): Rule[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RulesError(file, [`cannot be read: ${(err as Error).message.split('\n')[0]}`]);
  }
  const top = fileSchema.safeParse(doc);
  if (!top.success)
    throw new RulesError(
      file,
      top.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`),
    );
  const problems: string[] = [];
  const rules: Rule[] = [];
  top.data.rules.forEach((raw, index) => {
    const label = `rules[${index}]${isNamed(raw) ? ` (${raw.name})` : ''}`;
    const missing: string[] = [];
    const resolved = resolveEnv(raw, env, [], missing);
    for (const m of missing) problems.push(`${label}.${m}`);
    if (missing.length > 0) return; // its other checks would only repeat the missing value
    const parsed = ruleSchema.safeParse(resolved);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${label}.${issue.path.join('.')}: ${issue.message}`);
      return;
    }
    const r = parsed.data;
    let topic: RegExp | undefined;
    if (r.match.topic !== undefined) {
      try {
        topic = toRegExp(r.match.topic);
      } catch (err) {
        problems.push(
          `${label}.match.topic: not a valid regular expression (${(err as Error).message})`,
        );
      }
    }
    rules.push({
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
    });
  });
  const names = rules.map((r) => r.name);
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
    problems.push(`rule name "${name}" is used twice`);
  if (problems.length > 0) throw new RulesError(file, problems);
  return rules;
}

/** The first rule whose every condition holds (lists mean "any of"); undefined when none does. */
export function matchRule(rules: readonly Rule[], meeting: MeetingFacts): Rule | undefined {
  return rules.find(({ match: m }) => {
    if (m.event !== undefined && m.event !== meeting.kind) return false;
    if (m.meetingIds && !m.meetingIds.includes(meeting.meetingId)) return false;
    if (m.hostIds && (meeting.hostId === undefined || !m.hostIds.includes(meeting.hostId)))
      return false;
    if (
      m.meetingTypes &&
      (meeting.meetingType === undefined || !m.meetingTypes.includes(meeting.meetingType))
    )
      return false;
    if (m.topic && (meeting.topic === undefined || !m.topic.test(meeting.topic))) return false;
    return true;
  });
}

/** A target fit for logs, job data and the CLI: the stream key never leaves the worker. */
export function redactTarget(target: StreamTarget): StreamTarget {
  return { ...target, stream_key: '[redacted]' };
}

/** `^Sunday` is a case-sensitive pattern; `/^sunday/i` is a literal with flags. */
function toRegExp(source: string): RegExp {
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(source);
  return literal ? new RegExp(literal[1]!, literal[2]!.replace('g', '')) : new RegExp(source);
}

function resolveEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  path: string[],
  missing: string[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const found = env[name];
      if (found === undefined || found === '') {
        missing.push(`${path.join('.')}: references \${${name}}, which is not set`);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => resolveEnv(v, env, [...path, String(i)], missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveEnv(v, env, [...path, k], missing)]),
    );
  }
  return value;
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
