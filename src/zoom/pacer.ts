import type { RedisConnection } from '../redis/connect';
import type { SlotReservation } from '../domain/start-progress';

export type { SlotReservation } from '../domain/start-progress';

/**
 * The pacer asks the caller to wait this long before the call, longer than it may wait in place:
 * the job is handed back to the queue instead of holding a worker slot. With a `reservation` the
 * slot is already the caller's: it comes back `returnInMs` from now (just before the slot, as
 * its last short wait is slept in place) and presents the reservation to use it.
 */
export class PacerBusyError extends Error {
  override name = 'PacerBusyError' as const;
  readonly code = 'PACER_BUSY';
  readonly returnInMs: number;
  constructor(
    readonly waitMs: number,
    readonly reservation?: SlotReservation,
    leadMs = 0,
  ) {
    super(`Zoom calls are paced: next slot in ${waitMs} ms`);
    this.returnInMs = Math.max(0, waitMs - leadMs);
  }
}

/** A reserved slot. It is good for `grantTtlMs` past its time; a call that leaves later takes another. */
export interface Grant {
  /** True while a call leaving now still keeps to the slot. */
  fresh(): boolean;
}

export interface AcquireOptions {
  /**
   * A slot further away than the inline wait is reserved all the same and handed back in the
   * {@link PacerBusyError} (the job waits in the queue until it). Without it nothing is reserved.
   */
  reserveAhead?: boolean;
  /** A slot reserved earlier: used if still good (on time, no account pause since), else a new one. */
  reserved?: SlotReservation | undefined;
}

export interface Pacer {
  /** Resolves at the caller's slot; throws {@link PacerBusyError} for long waits. */
  acquire: (options?: AcquireOptions) => Promise<Grant>;
  /** Holds every caller, in every process, for `ms` (Zoom's account-level 429). */
  pause: (ms: number) => Promise<void>;
}

// Evenly spaced slots on Redis' own clock, so several hosts agree: each caller reserves the
// next free slot, ARGV[1] ms after the one before (and not before an account pause ends), in one
// round trip and without polling. A reservation presented back (ARGV[4], ARGV[5]) is the
// caller's again if no pause came since (same epoch, KEYS[3]) and it is not more than ARGV[6]
// ms past. Returns {wait, slot, epoch, late}: the ms to wait before calling (0: now), or minus
// the wait when it is longer than ARGV[2] ms; slot is 0 when nothing is the caller's (a long wait
// without ARGV[3] = 1: the job is rescheduled instead of holding a worker slot); late is how far
// past its time a presented reservation already is.
const ACQUIRE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local spacing = tonumber(ARGV[1])
local inline = tonumber(ARGV[2])
local epoch = tonumber(redis.call('GET', KEYS[3]) or '0')
local mine = tonumber(ARGV[4])
if mine and tonumber(ARGV[5]) == epoch and now <= mine + tonumber(ARGV[6]) then
  if mine - now > inline then return {now - mine, mine, epoch, 0} end
  return {math.max(0, mine - now), mine, epoch, math.max(0, now - mine)}
end
local at = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
at = math.max(at, tonumber(redis.call('GET', KEYS[1]) or '0') + spacing)
if at - now > inline and ARGV[3] ~= '1' then return {now - at, 0, epoch, 0} end
redis.call('SET', KEYS[1], at, 'PX', math.ceil(at - now + spacing + 1000))
if at - now > inline then return {now - at, at, epoch, 0} end
return {at - now, at, epoch, 0}`;

// An account pause: no slot before its end, and every slot reserved ahead before it is void
// (a new epoch), so the next slot is the pause's end, not behind a backlog that no longer holds.
// Slots within the inline wait may still be slept on in place elsewhere: they stay used.
const PAUSE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = math.max(now + tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], untilMs, 'PX', math.ceil(untilMs - now) + 1)
redis.call('INCR', KEYS[3])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
last = math.max(untilMs - tonumber(ARGV[2]), math.min(last, now + tonumber(ARGV[3])))
redis.call('SET', KEYS[2], last, 'PX', math.ceil(last - now + tonumber(ARGV[2]) + 1000))
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
 *
 * A slot further away than `maxInlineWaitMs` is never slept on: with `reserveAhead` it is
 * reserved and handed back with the {@link PacerBusyError}, and the job waits for it in the
 * queue's delayed set, holding no worker slot. A backlog thus leaves the delayed set at the
 * account's own rate, one job per slot, instead of all coming back at once.
 */
export function createPacer(options: PacerOptions): Pacer {
  const lastSlot = `${options.keyPrefix}:zoom:slot`;
  const paused = `${options.keyPrefix}:zoom:paused`;
  const epochKey = `${options.keyPrefix}:zoom:pauses`;
  // The service passes ZOOM_PACER_INLINE_WAIT_MS (250 ms unless told); 2 s for other callers.
  const maxInline = options.maxInlineWaitMs ?? 2000;
  const grantTtl = options.grantTtlMs ?? 30;
  const spacingMs = slotSpacingMs(options.maxPerSecond);
  const rtt = recentMinimum(16);
  // An account pause set by this process: slots reserved before it and still waiting in place
  // are given up when they come due (other processes see the pause at their next reservation).
  let pausedUntil = 0;
  return {
    async acquire(request = {}) {
      let reserved = request.reserved;
      const ahead = request.reserveAhead === true ? '1' : '0';
      for (let missed = 0; missed < MAX_MISSED_SLOTS; missed++) {
        const asked = performance.now();
        const [wait, at, epoch, late] = (await options.redis.eval(
          ACQUIRE,
          3,
          lastSlot,
          paused,
          epochKey,
          spacingMs,
          maxInline,
          ahead,
          reserved?.at ?? '',
          reserved?.epoch ?? '',
          grantTtl,
        )) as [number, number, number, number];
        reserved = undefined; // a reservation is presented once
        rtt.push(performance.now() - asked);
        if (wait < 0)
          throw new PacerBusyError(-wait, at > 0 ? { at, epoch } : undefined, maxInline);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        // How late a call leaving now is, beyond the usual round trip to Redis: a busy event
        // loop (reading the reply, running the timer), or the caller's own work, shows here.
        const slotAt = asked + wait - late + rtt.min();
        const grant: Grant = { fresh: () => performance.now() - slotAt <= grantTtl };
        if (performance.now() < pausedUntil) continue;
        if (grant.fresh()) return grant;
      }
      throw new PacerBusyError(OVERLOADED_BACKOFF_MS);
    },
    async pause(ms) {
      pausedUntil = Math.max(pausedUntil, performance.now() + ms);
      const pauseMs = Math.max(1, Math.round(ms));
      await options.redis.eval(PAUSE, 3, paused, lastSlot, epochKey, pauseMs, spacingMs, maxInline);
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
