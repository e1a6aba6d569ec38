import type { Logger } from './create-logger';

/**
 * Logs an error that repeats (a Redis refusing every command, a node answering `MOVED`) once per
 * interval with a count, instead of once per retry: the first occurrence at once, then at most
 * one line per `intervalMs` carrying how many were folded into it (`repeated`).
 */
export function createLogThrottle(log: Logger, intervalMs: number, now: () => number = Date.now) {
  const seen = new Map<string, { loggedAt: number; folded: number }>();
  return function logThrottled(message: string, err: Error): void {
    const key = `${message}\u0000${err.message}`;
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
