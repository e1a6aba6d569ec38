import { STATUS_CODES } from 'node:http';
import type { AttemptRecord } from '../livestream/start-progress';
import type { MeetingPage } from '../status/meeting-page';
import type { MeetingState, MeetingStatus } from '../status/meeting-status';

/** The states a producer picks from (confirming reads as "starting": Zoom accepted, not yet live). */
export const STATES: readonly MeetingState[] = [
  'waiting',
  'starting',
  'confirming',
  'started',
  'live',
  'failed',
  'cancelled',
  'skipped',
  'stopped',
];

export interface AnswerView {
  at: string;
  words: string;
  status: string;
  code: string;
  message: string;
  trackingId: string;
  decision: string;
}

export interface RowView {
  jobId: string;
  meetingId: string;
  uuid: string;
  kind: string;
  topic: string;
  host: string;
  state: MeetingState;
  source: string;
  rule: string;
  received: string;
  nextAt: string;
  countdown: string;
  reason: string;
  answer: AnswerView | undefined;
  canRetry: boolean;
  canCancel: boolean;
  canStop: boolean;
}

/** What the worker's wait reasons mean, for people who do not read the code. */
const REASON_WORDS: Record<string, string> = {
  livestream_rate_limited: 'Zoom asked to wait before starting this stream again',
  account_rate_limited: "the Zoom account's request limit was reached",
  daily_rate_limited: "the Zoom account's daily request limit was reached",
  zoom_unavailable: 'Zoom did not answer usefully (error or timeout)',
  meeting_not_started: 'Zoom says the meeting has not started yet',
};

/** A reason with its meaning in words first when it is one of the worker's codes. */
export const reasonWords = (reason: string): string =>
  REASON_WORDS[reason] !== undefined ? `${REASON_WORDS[reason]} (${reason})` : reason;

/** A clock time in UTC, as producers read it on a run sheet. */
export const clock = (iso: string): string => `${iso.slice(11, 19)} UTC`;

/** "in 1 min 05 s", "now" or "5 s ago". */
export function countdown(iso: string, now: number): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (s === 0) return 'now';
  const abs = Math.abs(s);
  const text =
    abs >= 60 ? `${Math.floor(abs / 60)} min ${String(abs % 60).padStart(2, '0')} s` : `${abs} s`;
  return s > 0 ? `in ${text}` : `${text} ago`;
}

export function answerView(a: AttemptRecord): AnswerView {
  const status =
    a.status !== undefined
      ? `${a.status} ${STATUS_CODES[a.status] ?? ''}`.trim()
      : `no answer${a.errorCode ? ` (${a.errorCode})` : ''}`;
  const code = a.zoomCode !== undefined ? `Zoom code ${a.zoomCode}` : '';
  const message = a.message ?? '';
  const trackingId = a.trackingId ?? '';
  return {
    at: clock(new Date(a.at).toISOString()),
    words: [status, code, message].filter((p) => p !== '').join(' · '),
    status,
    code,
    message,
    trackingId,
    decision: a.decision,
  };
}

export function rowView(s: MeetingStatus, now: number, canStop: boolean): RowView {
  return {
    jobId: s.jobId,
    meetingId: s.meetingId,
    uuid: s.uuid,
    kind: s.kind,
    topic: s.topic ?? '(no topic)',
    host: s.hostId ?? '',
    state: s.state,
    source: s.source,
    rule: s.rule ?? '',
    received: clock(s.receivedAt),
    nextAt: s.nextAttemptAt ? clock(s.nextAttemptAt) : '',
    countdown: s.nextAttemptAt ? countdown(s.nextAttemptAt, now) : '',
    reason: reasonWords(s.reason ?? ''),
    answer: s.lastAnswer && answerView(s.lastAnswer),
    canRetry: s.state === 'failed',
    canCancel: s.state === 'waiting' || s.state === 'confirming' || s.state === 'starting',
    canStop: canStop && ['waiting', 'starting', 'confirming', 'started', 'live'].includes(s.state),
  };
}

export interface PageView {
  rows: RowView[];
  total: number;
  from: number;
  to: number;
  prev: string | undefined;
  next: string | undefined;
}

/** The rows of one page and the links to the pages beside it (keeping the filters). */
export function pageView(
  page: MeetingPage,
  filters: { state?: string; q?: string },
  now: number,
  canStop: boolean,
): PageView {
  const link = (offset: number) => {
    const params = new URLSearchParams();
    if (filters.state) params.set('state', filters.state);
    if (filters.q) params.set('q', filters.q);
    params.set('offset', String(offset));
    return `?${params.toString()}`;
  };
  const end = page.offset + page.rows.length;
  return {
    rows: page.rows.map((r) => rowView(r, now, canStop)),
    total: page.total,
    from: page.rows.length > 0 ? page.offset + 1 : 0,
    to: end,
    prev: page.offset > 0 ? link(Math.max(0, page.offset - page.limit)) : undefined,
    next: end < page.total ? link(end) : undefined,
  };
}
