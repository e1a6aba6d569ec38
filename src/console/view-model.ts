import { STATUS_CODES } from 'node:http';
import type { AttemptRecord, MeetingState } from '../domain/start-progress';
import type { MeetingPage } from '../status/meeting-page';
import type { MeetingStatus } from '../status/meeting-status';
import type { StartSource } from '../domain/start-job';
import { shortMessage, shortReason, timeView, type TimeView } from './short-text';

export { timeView, type TimeView } from './short-text';

export interface AnswerView {
  at: TimeView;
  /** `429 · 124 · retry after 30 s`: status, Zoom's code, a short reason. */
  compact: string;
  words: string;
  status: string;
  code: string;
  message: string;
  trackingId: string;
  decision: string;
}

export interface RowView {
  account: string;
  jobId: string;
  meetingId: string;
  uuid: string;
  kind: string;
  topic: string;
  host: string;
  state: MeetingState;
  source: string;
  rule: string;
  received: TimeView;
  nextAt: TimeView | undefined;
  countdown: string;
  /** Why, in full (detail page, and on hover in the list). */
  reason: string;
  /** Why, in a few words (the list). */
  shortReason: string;
  answer: AnswerView | undefined;
  canRetry: boolean;
  canCancel: boolean;
  canStop: boolean;
}

/** What queues a start: Zoom's webhook, the reconcile sweep, or a person (console or CLI). */
export const SOURCES: readonly StartSource[] = ['webhook', 'reconcile', 'manual'];

/** What the worker's wait reasons mean, for people who do not read the code. */
const REASON_WORDS: Record<string, string> = {
  livestream_rate_limited: 'Zoom asked to wait before starting this stream again',
  account_rate_limited: "the Zoom account's request limit was reached",
  daily_rate_limited: "the Zoom account's daily request limit was reached",
  zoom_unavailable: 'Zoom did not answer usefully (error or timeout)',
  meeting_not_started: 'Zoom says the meeting has not started yet',
  oauth_rejected: 'Zoom rejected the app credentials: fix them before the deadline',
};

/** A reason with its meaning in words first when it is one of the worker's codes. */
export const reasonWords = (reason: string): string =>
  REASON_WORDS[reason] !== undefined ? `${REASON_WORDS[reason]} (${reason})` : reason;

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
  const compact = [
    a.status ?? a.errorCode ?? 'no answer',
    // Zoom's 429 body repeats the HTTP status as its code: once is enough in a compact row.
    a.zoomCode === a.status ? undefined : a.zoomCode,
    a.message && shortMessage(a.message),
  ]
    .filter((p) => p !== undefined && p !== '')
    .join(' · ');
  return {
    at: timeView(a.at),
    compact,
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
    account: s.account,
    jobId: s.jobId,
    meetingId: s.meetingId,
    uuid: s.uuid,
    kind: s.kind,
    topic: s.topic ?? '(no topic)',
    host: s.hostId ?? '',
    state: s.state,
    source: s.source,
    rule: s.rule ?? '',
    received: timeView(s.receivedAt),
    nextAt: s.nextAttemptAt ? timeView(s.nextAttemptAt) : undefined,
    countdown: s.nextAttemptAt ? countdown(s.nextAttemptAt, now) : '',
    reason: reasonWords(s.reason ?? ''),
    shortReason: shortReason(s.reason ?? ''),
    answer: s.lastAnswer && answerView(s.lastAnswer),
    // Only what fits the state: cancel what waits, stop what Zoom has started, retry what failed.
    canRetry: s.state === 'failed',
    canCancel: s.state === 'waiting' || s.state === 'starting',
    canStop: canStop && ['confirming', 'started', 'live'].includes(s.state),
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
  filters: { account?: string; state?: string; source?: string; q?: string },
  now: number,
  canStop: boolean,
): PageView {
  const link = (offset: number) => {
    const params = new URLSearchParams();
    if (filters.account) params.set('account', filters.account);
    if (filters.state) params.set('state', filters.state);
    if (filters.source) params.set('source', filters.source);
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
