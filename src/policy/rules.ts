import type { LivestreamSettings } from '../config/load-config';
import type { EventKind } from '../domain/start-job';
import type { StreamTarget } from '../domain/stream-target';
import type { TopicPattern } from './topic-pattern';

export interface Rule {
  name: string;
  action: 'stream' | 'skip';
  match: {
    meetingIds?: readonly string[];
    hostIds?: readonly string[];
    topic?: TopicPattern;
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
