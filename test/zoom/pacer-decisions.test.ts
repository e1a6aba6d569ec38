import type { RedisConnection } from '../../src/redis/connect';
import { createPacer, PacerBusyError } from '../../src/zoom/pacer';

// The pacer's decisions with a fake clock (jest's timers, performance.now included) and a fake
// Redis that answers the reservation script from a script of waits: no wall clock involved.

beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
afterEach(() => jest.useRealTimers());

function pacerAnswering(waits: (number | number[])[]) {
  const sent: unknown[][] = [];
  const redis = {
    // (script, 3, last-slot key, pause key, epoch key, spacing ms, longest inline wait ms,
    //  reserve ahead, reserved slot, its epoch, lateness allowed) → {wait, slot, epoch, late}
    eval: async (_script: string, _keys: number, ...args: unknown[]) => {
      sent.push(args);
      const answer = waits.shift() ?? 0;
      return typeof answer === 'number' ? [answer, 0, 0, 0] : answer;
    },
  } as unknown as RedisConnection;
  const pacer = createPacer({ redis, keyPrefix: 'p', maxPerSecond: 10, maxInlineWaitMs: 2000 });
  return { pacer, sent };
}

/** Lets the pacer's awaited replies (microtasks and immediates) run without moving the clock. */
const settle = () => new Promise((r) => setImmediate(r));

it('resolves at the reserved slot, not a millisecond before', async () => {
  const { pacer, sent } = pacerAnswering([300]);
  let granted = false;
  const acquired = pacer.acquire().then((g) => ((granted = true), g));
  await settle();
  jest.advanceTimersByTime(299);
  await settle();
  expect(granted).toBe(false); // the timer for the slot has not come due: nothing can have run
  jest.advanceTimersByTime(1);
  const grant = await acquired;
  expect(grant.fresh()).toBe(true);
  expect(sent).toHaveLength(1); // one reservation, no polling
});

it('hands a wait beyond the inline limit back as PacerBusyError, without sleeping', async () => {
  const { pacer } = pacerAnswering([-4500]);
  const busy = await pacer.acquire().catch((e: unknown) => e);
  expect(busy).toBeInstanceOf(PacerBusyError);
  expect((busy as PacerBusyError).waitMs).toBe(4500);
  expect(jest.getTimerCount()).toBe(0);
});

it('takes a new slot when it could not leave on time (a busy event loop), and gives up after three', async () => {
  const { pacer, sent } = pacerAnswering([100, 0]);
  const acquired = pacer.acquire();
  await settle();
  // The slot's timer fires at 100 ms, but the caller only runs again at 200 ms: 100 ms late.
  jest.advanceTimersByTime(200);
  const grant = await acquired;
  expect(sent).toHaveLength(2); // the missed slot stays used; a second one was reserved
  expect(grant.fresh()).toBe(true);

  const late = pacerAnswering([100, 100, 100]);
  const overloaded = late.pacer.acquire().catch((e: unknown) => e);
  for (let i = 0; i < 3; i++) {
    await settle();
    jest.advanceTimersByTime(200);
  }
  const error = await overloaded;
  expect(error).toBeInstanceOf(PacerBusyError);
  expect((error as PacerBusyError).waitMs).toBe(1000);
  expect(late.sent).toHaveLength(3);
});

it('spaces slots 1.1 s / maxPerSecond apart', async () => {
  const { pacer, sent } = pacerAnswering([0]);
  await pacer.acquire();
  expect(sent[0]!.slice(0, 5)).toEqual([
    'p:zoom:slot',
    'p:zoom:paused',
    'p:zoom:pauses',
    110,
    2000,
  ]);
});

it('reserves a far slot when asked to, and says to come back an inline wait before it', async () => {
  const { pacer, sent } = pacerAnswering([[-4500, 1_800_000_004_500, 3, 0]]);
  const busy = await pacer.acquire({ reserveAhead: true }).catch((e: unknown) => e);
  expect(busy).toBeInstanceOf(PacerBusyError);
  const error = busy as PacerBusyError;
  expect(error.reservation).toEqual({ at: 1_800_000_004_500, epoch: 3 });
  expect(error.returnInMs).toBe(2500); // 4500 ms away, the last 2000 ms slept in place
  expect(sent[0]!.slice(5)).toEqual(['1', '', '', 30]);
  expect(jest.getTimerCount()).toBe(0);
});

it('presents a reserved slot, and counts how late it already is against the slot', async () => {
  const { pacer, sent } = pacerAnswering([[0, 1_800_000_004_500, 3, 20]]);
  const reserved = { at: 1_800_000_004_500, epoch: 3 };
  const grant = await pacer.acquire({ reserveAhead: true, reserved });
  expect(sent[0]!.slice(5)).toEqual(['1', 1_800_000_004_500, 3, 30]);
  expect(sent).toHaveLength(1); // the reserved slot itself: no new one taken
  // 20 ms late at Redis already: of the 30 ms a slot is good for, 10 are left.
  expect(grant.fresh()).toBe(true);
  jest.advanceTimersByTime(11);
  expect(grant.fresh()).toBe(false);
});
