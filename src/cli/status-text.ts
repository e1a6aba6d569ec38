import { clipAtWord, displayWidth, padColumns } from './column-text';
import type { MeetingStatus } from '../status/meeting-status';
import type { AttemptRecord } from '../domain/start-progress';
import { printable } from '../domain/plain-text';

/** Words for the retry reasons a decision records (`retry:<reason>`), short enough for a column. */
const SHORT_REASONS: Record<string, string> = {
  livestream_rate_limited: 'rate limited',
  account_rate_limited: 'account rate limit',
  daily_rate_limited: 'daily limit',
  zoom_unavailable: 'Zoom unavailable',
  meeting_not_started: 'not started yet',
  paced: 'paced',
};

/** `in 5 s`, `overdue by 22 s` (minutes past 100 s, hours past 100 min), `due now`. */
export function dueIn(dueAt: string, now: number): string {
  const seconds = Math.round((Date.parse(dueAt) - now) / 1000);
  if (seconds === 0) return 'due now';
  const span = Math.abs(seconds);
  const words =
    span < 100
      ? `${span} s`
      : span < 6000
        ? `${Math.round(span / 60)} min`
        : `${Math.round(span / 3600)} h`;
  return seconds > 0 ? `in ${words}` : `overdue by ${words}`;
}

/** Zoom's answer in full: status, code, message, tracking id (or the network error). */
export function fullAnswer(a: AttemptRecord | undefined): string {
  if (!a) return '-';
  const parts = [
    a.status !== undefined ? String(a.status) : `no answer (${a.errorCode ?? 'error'})`,
  ];
  if (a.zoomCode !== undefined) parts.push(`code ${a.zoomCode}`);
  if (a.message) parts.push(a.message);
  if (a.trackingId) parts.push(`[${a.trackingId}]`);
  return parts.join(' ');
}

/** Zoom's answer in short: status · code · short reason (why we wait, or Zoom's words). */
export function shortAnswer(s: MeetingStatus): string {
  const a = s.lastAnswer;
  if (!a) return s.reason ?? '-';
  const retry = /^retry:(.+)$/.exec(a.decision)?.[1];
  const reason = retry !== undefined ? (SHORT_REASONS[retry] ?? retry) : a.message;
  return [
    a.status !== undefined ? String(a.status) : (a.errorCode ?? 'no answer'),
    a.zoomCode !== undefined ? String(a.zoomCode) : undefined,
    reason,
  ]
    .filter((p) => p !== undefined && p !== '')
    .join(' · ');
}

const HEADER = ['MEETING', 'STATE', 'TRIES', 'NEXT ATTEMPT', 'LAST ZOOM ANSWER', 'TOPIC'];
/** The columns that give way, clipped at a word, when the line would pass the width. */
const FLEXIBLE_COLUMNS = ['LAST ZOOM ANSWER', 'TOPIC'];
const GAP = '  ';

/**
 * The list of `status`, one meeting a line, every line within `width` columns: the fixed columns
 * as wide as their text, the Zoom answer and the topic sharing the rest (a short one keeps its
 * length, the other takes what is left), clipped at a word boundary with "…". With `account`, an
 * ACCOUNT column follows the meeting (a deployment of several accounts). Untrusted text is made
 * {@link printable}.
 */
export function formatStatusTable(
  statuses: readonly MeetingStatus[],
  options: { now: number; width: number; account?: boolean },
): string {
  const header = options.account ? ['MEETING', 'ACCOUNT', ...HEADER.slice(1)] : HEADER;
  const flexible = FLEXIBLE_COLUMNS.map((name) => header.indexOf(name));
  const rows = statuses.map((s) =>
    [
      s.meetingId,
      ...(options.account ? [s.account] : []),
      s.state,
      String(s.attempts),
      s.nextAttemptAt ? dueIn(s.nextAttemptAt, options.now) : '-',
      shortAnswer(s),
      s.topic ?? '-',
    ].map((cell) => printable(cell).replace(/\s+/g, ' ').trim()),
  );
  const natural = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]!))),
  );
  const widths = shareWidths(header, natural, flexible, options.width);
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => {
          const text = flexible.includes(i) ? clipAtWord(cell, widths[i]!) : cell;
          return i === r.length - 1 ? text : padColumns(text, widths[i]!);
        })
        .join(GAP)
        .trimEnd(),
    )
    .join('\n');
}

/** Fixed columns keep their width; the flexible ones share the rest, the narrowest served first. */
function shareWidths(
  header: readonly string[],
  natural: readonly number[],
  flexible: readonly number[],
  width: number,
): number[] {
  const widths = [...natural];
  const fixed = natural.reduce((sum, w, i) => sum + (flexible.includes(i) ? 0 : w), 0);
  let left = Math.max(0, width - fixed - GAP.length * (natural.length - 1));
  const order = [...flexible].sort((a, b) => natural[a]! - natural[b]!);
  order.forEach((column, k) => {
    const share = Math.floor(left / (order.length - k));
    widths[column] = Math.max(displayWidth(header[column]!), Math.min(natural[column]!, share));
    left -= widths[column];
  });
  return widths;
}

/**
 * The detailed view of one meeting instance, naming its account with `account` (a deployment of
 * several accounts); untrusted text is made {@link printable}.
 */
export function formatStatusDetail(
  s: MeetingStatus,
  now: number,
  options: { account?: boolean } = {},
): string {
  const lines = [
    `meeting ${s.meetingId} (${s.kind}${s.topic ? `, "${s.topic}"` : ''})`,
    ...(options.account ? [`  account:       ${s.account}`] : []),
    `  instance:      ${s.uuid}`,
    `  job:           ${s.jobId}`,
    `  source:        ${s.source}`,
    `  state:         ${s.state}`,
    `  received:      ${s.receivedAt}`,
    `  attempts:      ${s.attempts}`,
    `  last answer:   ${fullAnswer(s.lastAnswer)}`,
  ];
  if (s.nextAttemptAt)
    lines.push(`  next attempt:  ${s.nextAttemptAt} (${dueIn(s.nextAttemptAt, now)})`);
  if (s.reason) lines.push(`  reason:        ${s.reason}`);
  if (s.rule) lines.push(`  rule:          ${s.rule}`);
  if (s.target)
    lines.push(
      `  target:        ${s.target.stream_url} key ${s.target.stream_key}, page ${s.target.page_url}${s.target.resolution ? `, ${s.target.resolution}` : ''}`,
    );
  lines.push(`  confirmation:  ${s.confirmation}`);
  if (s.alerts.length > 0)
    lines.push(`  alerts sent:   ${s.alerts.map((a) => `${a.type} at ${a.at}`).join(', ')}`);
  if (s.earlier)
    lines.push(
      `  earlier:       ${Object.entries(s.earlier)
        .map(([decision, n]) => `${n} × ${decision}`)
        .join(', ')}`,
    );
  if (s.history.length > 0) {
    lines.push('  history:');
    for (const a of s.history)
      lines.push(`    ${new Date(a.at).toISOString()}  ${a.decision.padEnd(30)}  ${fullAnswer(a)}`);
  }
  return lines.map(printable).join('\n');
}
