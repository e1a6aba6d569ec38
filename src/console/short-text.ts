/** Compact texts for one-line rows: the full ones stay on hover and on the detail page. */

/** A moment: UTC ISO for `<time datetime>` (shown in the browser's zone) and a UTC fallback. */
export interface TimeView {
  iso: string;
  utc: string;
}

/** The same reasons in a few words, for one compact row. */
const REASON_SHORT: Record<string, string> = {
  livestream_rate_limited: 'Zoom said wait (429)',
  account_rate_limited: 'account rate limit',
  daily_rate_limited: 'daily rate limit',
  zoom_unavailable: 'Zoom unavailable',
  meeting_not_started: 'meeting not started yet',
  oauth_rejected: 'credentials rejected',
};

/** At most `n` characters, cut at a word with an ellipsis. */
export function shorten(text: string, n: number): string {
  if (text.length <= n) return text;
  const cut = text.slice(0, n - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > n / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:]+$/, '')}…`;
}

export const shortReason = (reason: string): string => REASON_SHORT[reason] ?? shorten(reason, 48);

/** Zoom's message in a few words: "retry after 30 s", or its first words. */
export function shortMessage(message: string): string {
  const wait = /retry after (\d+) seconds?/i.exec(message);
  return wait ? `retry after ${wait[1]} s` : shorten(message, 36);
}

/** A moment as {@link TimeView}. */
export function timeView(at: number | string): TimeView {
  const iso = new Date(at).toISOString();
  return { iso, utc: `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` };
}
