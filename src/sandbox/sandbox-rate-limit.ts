import type { Answer } from './directory-types';

/** A chaos switch: every API call of the account gets an account-level 429 until `until`. */
export interface Storm {
  /** `QPS` (the per-second limit) or `Daily-limit` (the daily quota, with `Retry-After`). */
  type: 'QPS' | 'Daily-limit';
  /** Epoch ms when it ends; undefined: until called off. */
  until: number | undefined;
  /** Every `every`-th call of the account in the storm is refused (1: every call). */
  every: number;
  /** The `Retry-After` of a `QPS` refusal, in seconds; unset, none is sent (as Zoom's QPS 429s). */
  retryAfterSeconds: number | undefined;
}

/** How a storm refuses: every call or every `every`-th one, and the `Retry-After` it sends. */
export type StormShape = Partial<Pick<Storm, 'every' | 'retryAfterSeconds'>>;

const QPS_MESSAGE = "You have exceeded the per-second rate limit of this account's API calls.";
const DAILY_MESSAGE =
  'You have reached the maximum daily rate limit for this API. Try again later.';

/**
 * One account's Zoom rate limit: its API calls counted per one-second window; over
 * `maxRequestsPerSecond` (none when undefined), or while a storm is on (every call, or every
 * `every`-th one of a thinned storm), the call is answered
 * Zoom's account-level 429 with `X-RateLimit-Category`, `-Type`, `-Limit`, `-Remaining`.
 * A call refused this way is counted too (Zoom counts every request).
 */
export function createAccountRateLimit(
  maxRequestsPerSecond: number | undefined,
  now: () => number,
) {
  let window = -1;
  let count = 0;
  let storm: Storm | undefined;
  let stormCalls = 0;

  function refused(
    type: Storm['type'],
    until: number | undefined,
    retryAfterSeconds?: number,
  ): Answer {
    const limit = String(maxRequestsPerSecond ?? 0);
    const headers: Record<string, string> = {
      'x-ratelimit-category': 'Light',
      'x-ratelimit-type': type,
      'x-ratelimit-limit': limit,
      'x-ratelimit-remaining': '0',
    };
    if (type === 'Daily-limit' && until !== undefined)
      headers['retry-after'] = new Date(until).toUTCString();
    else if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    const message = type === 'QPS' ? QPS_MESSAGE : DAILY_MESSAGE;
    return { status: 429, body: { code: 429, message }, headers };
  }

  return {
    /** Counts one call; the 429 to answer instead, or undefined when the call may go on. */
    admit(): Answer | undefined {
      const at = now();
      const second = Math.floor(at / 1000);
      if (second !== window) [window, count] = [second, 0];
      count += 1;
      if (storm && (storm.until === undefined || at < storm.until)) {
        if (++stormCalls % storm.every === 0)
          return refused(storm.type, storm.until, storm.retryAfterSeconds);
      } else storm = undefined;
      if (maxRequestsPerSecond !== undefined && count > maxRequestsPerSecond)
        return refused('QPS', undefined);
      return undefined;
    },
    /** Starts a storm (for `seconds`, or until {@link calm}); `shape` thins it out. */
    storm(type: Storm['type'], seconds: number | undefined, shape: StormShape = {}): Storm {
      const until = seconds === undefined ? undefined : now() + seconds * 1000;
      storm = { type, until, every: shape.every ?? 1, retryAfterSeconds: shape.retryAfterSeconds };
      stormCalls = 0;
      return storm;
    },
    calm(): void {
      storm = undefined;
    },
    /** The storm in force, if any. */
    current(): Storm | undefined {
      if (storm?.until !== undefined && now() >= storm.until) storm = undefined;
      return storm;
    },
  };
}

export type AccountRateLimit = ReturnType<typeof createAccountRateLimit>;
