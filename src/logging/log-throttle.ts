import type { Logger } from './create-logger';

/** How often a repeating error is logged again, with its count (`LOG_REPEAT_INTERVAL_MS`). */
export const DEFAULT_LOG_REPEAT_INTERVAL_MS = 10_000;

/**
 * What an error says without the parts that vary between repeats of one cause: numbers (ports,
 * retry delays, slots) and job ids. A failover gives `connect ECONNREFUSED …:<port>`, `Retrying
 * from scratch after <n>ms` and `could not renew lock for job <id>` for every job at once.
 */
export function errorShape(message: string): string {
  return message.replace(/\b(?:meeting|webinar)-[\w-]+/g, '<job>').replace(/\d+/g, '#');
}

export interface LogThrottleOptions {
  /** The level of the lines; default `error`. */
  level?: 'error' | 'warn' | 'info' | 'debug';
  now?: () => number;
}

/** Logs one error; repeats of it within the interval are counted instead of logged. */
export type ThrottledLog = (message: string, err: Error, fields?: Record<string, unknown>) => void;

/**
 * The one way the service logs an error that can repeat (a Redis refusing every command, a node
 * answering `MOVED`, an endpoint down): the first occurrence at once, then at most one line per
 * `intervalMs` carrying how many were folded into it (`repeated`). Errors of the same shape
 * (see {@link errorShape}) under the same message count as one.
 */
export function createLogThrottle(
  log: Logger,
  intervalMs: number = DEFAULT_LOG_REPEAT_INTERVAL_MS,
  options: LogThrottleOptions = {},
): ThrottledLog {
  const now = options.now ?? Date.now;
  const level = options.level ?? 'error';
  const seen = new Map<string, { loggedAt: number; folded: number }>();
  return function logThrottled(message, err, fields = {}) {
    const key = `${message}\u0000${errorShape(err.message)}`;
    const entry = seen.get(key);
    if (entry && now() - entry.loggedAt < intervalMs) {
      entry.folded++;
      return;
    }
    const repeated = entry?.folded ?? 0;
    if (seen.size > 100) seen.clear(); // distinct messages are few; never grow without bound
    seen.set(key, { loggedAt: now(), folded: 0 });
    log[level](
      {
        ...fields,
        err: { message: err.message, code: (err as { code?: string }).code },
        ...(repeated > 0 && { repeated, intervalMs }),
      },
      message,
    );
  };
}
