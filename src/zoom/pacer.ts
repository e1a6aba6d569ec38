import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The pacer asks the caller to wait this long before the call, longer than it may wait in place:
 * the job is rescheduled instead of holding a worker slot.
 */
export class PacerBusyError extends Error {
  override name = 'PacerBusyError' as const;
  readonly code = 'PACER_BUSY';
  constructor(readonly waitMs: number) {
    super(`Zoom calls are paced: next slot in ${waitMs} ms`);
  }
}

export interface Pacer {
  /** Resolves when a Zoom call may go out now; throws {@link PacerBusyError} for long waits. */
  acquire: () => Promise<void>;
  /** Holds every caller, in every process, for `ms` (Zoom's account-level 429). */
  pause: (ms: number) => Promise<void>;
}

// A sliding log of the last second's calls, with Redis' own clock so several hosts agree.
// Returns 0 when the call may go out (and records it), else how many ms to wait.
const ACQUIRE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
if pausedUntil > now then return pausedUntil - now end
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)`;

const PAUSE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1])
end
return untilMs`;

export interface PacerOptions {
  redis: Redis;
  keyPrefix: string;
  /** Zoom calls allowed in any one-second window, across all worker processes. */
  maxPerSecond: number;
  /** Waits up to this long are slept in place; longer ones throw {@link PacerBusyError}. */
  maxInlineWaitMs?: number;
}

/**
 * Account-wide pacing of Zoom API calls, shared by every worker through Redis: never more than
 * `maxPerSecond` calls in any sliding one-second window. BullMQ's own limiter counts jobs in fixed
 * windows (up to twice the limit across a window edge) and cannot hold the queue for an account
 * 429, hence this small script. The window is 1.1 s: a call granted here reaches Zoom a few
 * milliseconds later, and that delay varies, so a bare 1 s window can put N + 1 calls into one
 * second as Zoom counts them.
 */
export function createPacer(options: PacerOptions): Pacer {
  const log = `${options.keyPrefix}:zoom:pace`;
  const paused = `${options.keyPrefix}:zoom:paused`;
  const maxInline = options.maxInlineWaitMs ?? 2000;
  const windowMs = 1100;
  return {
    async acquire() {
      for (;;) {
        const wait = Number(
          await options.redis.eval(
            ACQUIRE,
            2,
            log,
            paused,
            windowMs,
            options.maxPerSecond,
            randomUUID(),
          ),
        );
        if (wait === 0) return;
        if (wait > maxInline) throw new PacerBusyError(wait);
        await new Promise((r) => setTimeout(r, wait));
      }
    },
    async pause(ms) {
      await options.redis.eval(PAUSE, 1, paused, Math.max(1, Math.round(ms)));
    },
  };
}
