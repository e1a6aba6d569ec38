import { PacerBusyError, slotSpacingMs, type Pacer } from '../zoom/pacer';

export interface SweepSlotOptions {
  /**
   * The account-wide pacer, built with `maxInlineWaitMs: 0`: it grants a slot only when the next
   * one is free right now, and reserves nothing otherwise.
   */
  pacer: Pacer;
  /** Zoom calls per second the whole deployment may make (`ZOOM_MAX_REQUESTS_PER_SECOND`). */
  maxPerSecond: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A wait longer than this (the account is paused after a 429) defers the sweep instead. */
  deferAfterMs?: number;
}

/** The longest wait for one slot the sweep sleeps through; longer ones defer the sweep. */
export const DEFER_AFTER_MS = 5000;

/**
 * The account's Zoom calls are paused (an account-wide 429 of its starts) for longer than the
 * sweep waits in place: its sweep ends and the next waits until then, rather than keep one of
 * the reconcile worker's slots asleep.
 */
export class SweepDeferredError extends Error {
  override name = 'SweepDeferredError' as const;
  constructor(readonly waitMs: number) {
    super(`the account's Zoom calls are paused for ${waitMs} ms`);
  }
}

/**
 * Pacing slots for the sweep's list calls, which must never crowd out starts. Starts queue for
 * slots (they reserve the next free one, however far ahead); the sweep instead takes a slot only
 * when it is free this very moment, so it never books a slot ahead of a start that is waiting.
 * And it takes at most every other slot (two spacings between its own calls), so even a long
 * sweep leaves at least half the account's rate to starts that arrive meanwhile. While the
 * pacer is busy or paused (an account 429), the sweep waits and asks again.
 */
export function createSweepSlots(options: SweepSlotOptions): () => Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const spacingMs = slotSpacingMs(options.maxPerSecond);
  let last = -Infinity;
  return async () => {
    for (;;) {
      const gap = last + 2 * spacingMs - now();
      if (gap > 0) await sleep(gap);
      try {
        await options.pacer.acquire();
        last = now();
        return;
      } catch (err) {
        if (!(err instanceof PacerBusyError)) throw err;
        if (err.waitMs > (options.deferAfterMs ?? DEFER_AFTER_MS))
          throw new SweepDeferredError(err.waitMs);
        await sleep(Math.max(err.waitMs, spacingMs));
      }
    }
  };
}
