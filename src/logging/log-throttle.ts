import type { Logger } from './create-logger';

/**
 * What an error says without the parts that vary between repeats of one cause: numbers (ports,
 * retry delays, slots) and job ids. A failover gives `connect ECONNREFUSED …:<port>`, `Retrying
 * from scratch after <n>ms` and `could not renew lock for job <id>` for every job at once.
 */
export function errorShape(message: string): string {
  return message.replace(/\b(?:meeting|webinar)-[\w-]+/g, '<job>').replace(/\d+/g, '#');
}

/**
 * Logs an error that repeats (a Redis refusing every command, a node answering `MOVED`) once per
 * interval with a count, instead of once per retry: the first occurrence at once, then at most
 * one line per `intervalMs` carrying how many were folded into it (`repeated`). Errors of the same
 * shape (see {@link errorShape}) count as one.
 */
export function createLogThrottle(log: Logger, intervalMs: number, now: () => number = Date.now) {
  const seen = new Map<string, { loggedAt: number; folded: number }>();
  return function logThrottled(message: string, err: Error): void {
    const key = `${message}\u0000${errorShape(err.message)}`;
    const entry = seen.get(key);
    if (entry && now() - entry.loggedAt < intervalMs) {
      entry.folded++;
      return;
    }
    const repeated = entry?.folded ?? 0;
    if (seen.size > 100) seen.clear(); // distinct messages are few; never grow without bound
    seen.set(key, { loggedAt: now(), folded: 0 });
    log.error(
      {
        err: { message: err.message, code: (err as { code?: string }).code },
        ...(repeated > 0 && { repeated, intervalMs }),
      },
      message,
    );
  };
}
