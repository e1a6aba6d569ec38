import type { MeetingStatus } from '../status/meeting-status';
import type { AttemptRecord } from '../domain/start-progress';

/** A Zoom answer as `status --json` prints it: its time as an ISO 8601 UTC string. */
export type AttemptJson = Omit<AttemptRecord, 'at'> & { at: string };

export type MeetingStatusJson = Omit<MeetingStatus, 'lastAnswer' | 'history'> & {
  lastAnswer: AttemptJson | undefined;
  history: AttemptJson[];
};

const answerJson = (a: AttemptRecord): AttemptJson => ({ ...a, at: new Date(a.at).toISOString() });

/**
 * One meeting instance for `status --json`: every time (received, next attempt, each answer,
 * each alert) is an ISO 8601 UTC string, as the text views print them.
 */
export function statusJson(s: MeetingStatus): MeetingStatusJson {
  return {
    ...s,
    lastAnswer: s.lastAnswer && answerJson(s.lastAnswer),
    history: s.history.map(answerJson),
  };
}
