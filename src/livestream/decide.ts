import { ZoomApiError, ZoomCredentialsError, ZoomError, ZoomNetworkError } from '../zoom/errors';
import type { Decision, RetryCounters, RetryPolicy, RetryReason } from '../domain/decision';

/** The result of one start call: Zoom accepted it, or a Zoom error. */
export type CallOutcome = { ok: true; status: number } | { ok: false; error: ZoomError };

const MIN_RATE_LIMIT_WAIT_MS = 1000;
const NOT_STARTED = /(has not|hasn't|not yet|is not) started|not in progress/i;

export interface DecideInput {
  outcome: CallOutcome;
  counters: RetryCounters;
  now: number;
  receivedAt: number;
  policy: RetryPolicy;
  /** A number in [0, 1) for jitter; pass Math.random() in production. */
  random: number;
}

/**
 * What to do with Zoom's answer to a start call. Pure: the same input always gives the same
 * decision, so the whole policy is tested as a table. Only Zoom's definite answers (4xx) end a
 * start early; trouble (5xx, timeouts, resets, unreadable answers, rejected app credentials,
 * which a deploy fixes) is retried with capped,
 * jittered backoff for as long as the give-up deadline allows. Every retry lands by the
 * deadline, or the decision is to fail.
 * @see https://docs.temporal.io/encyclopedia/retry-policies
 */
export function decide(input: DecideInput): Decision {
  const { outcome, now, policy } = input;
  if (outcome.ok) return { type: 'done' };
  const error = outcome.error;
  const deadline = input.receivedAt + policy.giveUpAfterMs;
  const retry = (delayMs: number, reason: RetryReason, counted: boolean): Decision => {
    const at = now + Math.max(0, Math.round(delayMs));
    if (at > deadline) {
      return {
        type: 'fail',
        code: 'deadline',
        reason: `gave up: the next attempt (${reason}) would come after the deadline ${new Date(deadline).toISOString()}`,
      };
    }
    return { type: 'retry', at, reason, counted };
  };
  const backoff = (n: number): number =>
    Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.min(n - 1, 30)) *
    (0.5 + input.random / 2);

  // A token rejected again after the client fetched one (401, Zoom code 124): the token shared in
  // Redis may be another process's, issued before the same outage. The next attempt starts over
  // with a new one; a start must not fail for a token.
  const tokenRejected =
    error instanceof ZoomApiError && error.status === 401 && error.zoomCode === 124;
  if (error instanceof ZoomCredentialsError || tokenRejected) {
    // A wrong secret is fixed by a deploy, often minutes later: the start waits for it, on the
    // same backoff as trouble, rather than the whole day's streams failing at once.
    const n = input.counters.transientFailures + 1;
    return retry(backoff(n), 'oauth_rejected', true);
  }
  if (error instanceof ZoomNetworkError || (error instanceof ZoomApiError && error.status >= 500)) {
    const n = input.counters.transientFailures + 1;
    const retryAfter = error instanceof ZoomApiError ? (error.retryAfterMs ?? 0) : 0;
    return retry(Math.max(backoff(n), retryAfter), 'zoom_unavailable', true);
  }
  if (!(error instanceof ZoomApiError)) {
    return { type: 'fail', code: 'zoom_rejected', reason: error.message };
  }
  if (error.status === 429) {
    const type = (error.rateLimitType ?? '').toLowerCase();
    if (type.includes('daily')) {
      // A daily limit resets at 00:00 UTC; it must never become a 30-second loop.
      return retry(
        Math.max(MIN_RATE_LIMIT_WAIT_MS, error.retryAfterMs ?? msToUtcMidnight(now)),
        'daily_rate_limited',
        false,
      );
    }
    // Never sooner than a second, even for `Retry-After: 0` or a date in the past: no tight loops.
    if (type !== '')
      return retry(
        Math.max(MIN_RATE_LIMIT_WAIT_MS, error.retryAfterMs ?? 0),
        'account_rate_limited',
        false,
      );
    return retry(
      Math.max(policy.retryDelayMs, error.retryAfterMs ?? 0),
      'livestream_rate_limited',
      false,
    );
  }
  if (error.status === 400 && NOT_STARTED.test(error.zoomMessage)) {
    return retry(backoff(input.counters.notStartedRetries + 1), 'meeting_not_started', false);
  }
  return { type: 'fail', code: 'zoom_rejected', reason: explain(error) };
}

function msToUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}

/** Zoom's words plus what an operator should do for the codes we know. */
function explain(error: ZoomApiError): string {
  const hints: Record<number, string> = {
    4711: 'the app lacks a scope: add meeting:write:admin or meeting:update:livestream_status:admin',
    3000: 'the meeting is not set up for custom live streaming (stream URL and key)',
    1001: 'the user does not exist on this account',
    3001: 'the meeting does not exist',
    1010: 'the user does not belong to this account',
    3161: 'hosting is not allowed for this user',
  };
  const hint = error.zoomCode !== undefined ? hints[error.zoomCode] : undefined;
  return hint ? `${error.message} (${hint})` : error.message;
}
