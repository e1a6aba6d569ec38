import type { RedisConnection } from '../../src/redis/connect';
import { createPacer, PacerBusyError } from '../../src/zoom/pacer';

// The pacer's decisions with a fake clock (jest's timers, performance.now included) and a fake
// Redis that answers the reservation script from a script of waits: no wall clock involved.

beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
afterEach(() => jest.useRealTimers());

function pacerAnswering(waits: number[]) {
  const sent: unknown[][] = [];
  const redis = {
    // (script, 2, last-slot key, pause key, spacing ms, longest inline wait ms)
    eval: async (_script: string, _keys: number, ...args: unknown[]) => {
      sent.push(args);
      return waits.shift() ?? 0;
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
  expect(sent[0]).toEqual(['p:zoom:slot', 'p:zoom:paused', 110, 2000]);
});
