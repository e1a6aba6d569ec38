/** Counters the decision needs from earlier attempts of this job. */
export interface RetryCounters {
  /** Consecutive 5xx / network failures. */
  transientFailures: number;
  /** Consecutive "meeting has not started" answers. */
  notStartedRetries: number;
}

export interface RetryPolicy {
  /** Wait after a livestream 429 (Zoom asks for 30 s). */
  retryDelayMs: number;
  /** Stop trying this long after `meeting.started` was received. */
  giveUpAfterMs: number;
  /** First step of the exponential backoff for 5xx, network errors and "not started". */
  backoffBaseMs: number;
  /** Longest backoff step (the cap of the doubling). */
  backoffMaxMs: number;
}

export type RetryReason =
  | 'livestream_rate_limited'
  | 'account_rate_limited'
  | 'daily_rate_limited'
  | 'zoom_unavailable'
  | 'meeting_not_started'
  | 'oauth_rejected';

export type FailureCode = 'zoom_rejected' | 'deadline';

export type Decision =
  | { type: 'done' }
  /** Try again at `at`. `counted` is false for waits Zoom asked for (429, not started). */
  | { type: 'retry'; at: number; reason: RetryReason; counted: boolean }
  | { type: 'fail'; code: FailureCode; reason: string };
