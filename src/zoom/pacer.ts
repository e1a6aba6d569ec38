import type { RedisConnection } from '../redis/connect';

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

/** A reserved slot. It is good for `grantTtlMs` past its time; a call that leaves later takes another. */
export interface Grant {
  /** True while a call leaving now still keeps to the slot. */
  fresh(): boolean;
}

export interface Pacer {
  /** Resolves at the caller's slot; throws {@link PacerBusyError} for long waits. */
  acquire: () => Promise<Grant>;
  /** Holds every caller, in every process, for `ms` (Zoom's account-level 429). */
  pause: (ms: number) => Promise<void>;
}

// Evenly spaced slots on Redis' own clock, so several hosts agree: each caller reserves the
// next free slot, ARGV[1] ms after the one before (and not before an account pause ends), in one
// round trip and without polling. Returns the ms to wait before calling (0: now), or minus the
// wait when it is longer than ARGV[2] ms (then nothing is reserved: the job is rescheduled
// instead of holding a worker slot).
const ACQUIRE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local spacing = tonumber(ARGV[1])
local at = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
at = math.max(at, tonumber(redis.call('GET', KEYS[1]) or '0') + spacing)
if at - now > tonumber(ARGV[2]) then return now - at end
redis.call('SET', KEYS[1], at, 'PX', math.ceil(at - now + spacing + 1000))
return at - now`;

const PAUSE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1])
end
return untilMs`;

export interface PacerOptions {
  redis: RedisConnection;
  keyPrefix: string;
  /** Zoom calls allowed in any one-second window, across all worker processes. */
  maxPerSecond: number;
  /** Waits up to this long are slept in place; longer ones throw {@link PacerBusyError}. */
  maxInlineWaitMs?: number;
  /** A reserved slot not used within this long of its time is given up (see below). */
  grantTtlMs?: number;
}

/** A busy process that keeps missing its slots sheds the job for this long. */
const OVERLOADED_BACKOFF_MS = 1000;
const MAX_MISSED_SLOTS = 3;

/**
 * The gap between two pacer slots for at most `maxPerSecond` calls a second: N slots 1.1 s / N
 * apart, so any N + 1 calls span at least 1.1 s and no 1 s window holds more than N.
 */
export function slotSpacingMs(maxPerSecond: number): number {
  return 1100 / maxPerSecond;
}

/**
 * Account-wide pacing of Zoom API calls, shared by every worker through Redis: never more than
 * `maxPerSecond` calls in any one-second window *as Zoom counts arrivals*. BullMQ's own limiter
 * counts jobs in fixed windows (up to twice the limit across a window edge) and cannot hold the
 * queue for an account 429, hence this small script.
 *
 * Calls get evenly spaced slots, 1.1 s / `maxPerSecond` apart (a generic cell rate algorithm with
 * no burst): each call reserves its slot in one round trip and sleeps until it. Spacing, rather
 * than letting N calls go at once, keeps arrivals apart even when calls leave a little late, and
 * the 0.1 s margin covers that delay. A saturated worker can leave much later (its event loop
 * runs the timer late), and calls that were spread out in Redis would then leave, and arrive,
 * bunched together. So a slot expires: a call that could not leave within `grantTtlMs` (30 ms)
 * of its slot, beyond the usual round trip to Redis (the least of the last few), takes a new one
 * instead. The missed slot stays used, which errs on the side of fewer calls. A process that
 * misses three slots in a row is overloaded and hands the job back to the queue for a second.
 */
export function createPacer(options: PacerOptions): Pacer {
  const lastSlot = `${options.keyPrefix}:zoom:slot`;
  const paused = `${options.keyPrefix}:zoom:paused`;
  const maxInline = options.maxInlineWaitMs ?? 2000;
  const grantTtl = options.grantTtlMs ?? 30;
  const spacingMs = slotSpacingMs(options.maxPerSecond);
  const rtt = recentMinimum(16);
  // An account pause set by this process: slots reserved before it and still waiting in place
  // are given up when they come due (other processes see the pause at their next reservation).
  let pausedUntil = 0;
  return {
    async acquire() {
      for (let missed = 0; missed < MAX_MISSED_SLOTS; missed++) {
        const asked = performance.now();
        const wait = Number(
          await options.redis.eval(ACQUIRE, 2, lastSlot, paused, spacingMs, maxInline),
        );
        rtt.push(performance.now() - asked);
        if (wait < 0) throw new PacerBusyError(-wait);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        // How late a call leaving now is, beyond the usual round trip to Redis: a busy event
        // loop (reading the reply, running the timer), or the caller's own work, shows here.
        const slotAt = asked + wait + rtt.min();
        const grant: Grant = { fresh: () => performance.now() - slotAt <= grantTtl };
        if (performance.now() < pausedUntil) continue;
        if (grant.fresh()) return grant;
      }
      throw new PacerBusyError(OVERLOADED_BACKOFF_MS);
    },
    async pause(ms) {
      pausedUntil = Math.max(pausedUntil, performance.now() + ms);
      await options.redis.eval(PAUSE, 1, paused, Math.max(1, Math.round(ms)));
    },
  };
}

/** The smallest of the last `size` samples: the round trip to Redis without any local delay. */
function recentMinimum(size: number): { push(sample: number): void; min(): number } {
  const samples: number[] = [];
  return {
    push(sample) {
      samples.push(sample);
      if (samples.length > size) samples.shift();
    },
    min: () => (samples.length > 0 ? Math.min(...samples) : 0),
  };
}
