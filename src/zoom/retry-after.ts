/**
 * `Retry-After` as milliseconds from `nowMs`: delay-seconds, an HTTP-date or an ISO date (Zoom's
 * daily limit has sent both). Missing or unreadable values give `undefined`, meaning "use the
 * default"; dates in the past give 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^([A-Za-z]{3}, |\d{4}-\d{2}-\d{2})/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
