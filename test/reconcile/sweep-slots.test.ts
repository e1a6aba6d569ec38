import { createSweepSlots, SweepDeferredError } from '../../src/reconcile/sweep-slots';
import { PacerBusyError, type Grant, type Pacer } from '../../src/zoom/pacer';

const GRANT: Grant = { fresh: () => true };

/** A fake clock that the sweep's sleeps advance, and a pacer answering from a script. */
function world(answers: (number | 'grant' | Error)[]) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const asked: number[] = [];
  const pacer: Pacer = {
    acquire: async () => {
      asked.push(clock);
      const next = answers.shift() ?? 'grant';
      if (next === 'grant') return GRANT;
      if (next instanceof Error) throw next;
      throw new PacerBusyError(next);
    },
    pause: async () => undefined,
  };
  const slot = createSweepSlots({
    pacer,
    maxPerSecond: 10, // spacing 110 ms
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  return {
    slot,
    sleeps,
    asked,
    pass: (ms: number) => (clock += ms),
    now: () => clock,
  };
}

it('takes at most every other slot: two spacings between its own calls', async () => {
  const w = world([]);
  await w.slot();
  const first = w.now();
  await w.slot();
  await w.slot();
  expect(w.sleeps).toEqual([220, 220]);
  expect(w.asked).toEqual([first, first + 220, first + 440]);
});

it('asks at once when two spacings have already passed since its last call', async () => {
  const w = world([]);
  await w.slot();
  w.pass(500);
  await w.slot();
  expect(w.sleeps).toEqual([]);
  w.pass(100); // 120 ms short of two spacings
  await w.slot();
  expect(w.sleeps).toEqual([120]);
});

it('never books ahead: while the pacer is busy it waits what the pacer says, at least one spacing, and asks again', async () => {
  const w = world([500, 20, 'grant']);
  const start = w.now();
  await w.slot();
  expect(w.sleeps).toEqual([500, 110]);
  expect(w.asked).toEqual([start, start + 500, start + 610]);
});

it('passes on any other error of the pacer (Redis down) without retrying it', async () => {
  const down = new Error('connect ECONNREFUSED');
  const w = world([down]);
  await expect(w.slot()).rejects.toBe(down);
  expect(w.asked).toHaveLength(1);
  expect(w.sleeps).toEqual([]);
});

it('defers instead of sleeping through a long pause of the account (its 429): no slot is held', async () => {
  const w = world([4000, 'grant', 30_000]);
  await w.slot(); // a wait up to 5 s is slept through
  expect(w.sleeps).toEqual([4000]);
  w.pass(1000);
  const deferred = await w.slot().catch((err: unknown) => err);
  expect(deferred).toBeInstanceOf(SweepDeferredError);
  expect(deferred).toMatchObject({ waitMs: 30_000 });
  expect(w.sleeps).toEqual([4000]);
});
