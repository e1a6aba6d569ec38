import { Redis } from 'ioredis';
import { createSweepSlots } from '../../src/reconcile/sweep-slots';
import { createPacer } from '../../src/zoom/pacer';
import { redisUrl, uniquePrefix } from '../support/redis';

// The sweep's slots on real Redis and real timers, with wall-clock upper bounds (how late a start
// may be): kept in the fault suite, as a busy machine can stretch them. The decisions themselves
// are unit-tested with a fake clock in test/reconcile/sweep-slots.test.ts.

let redis: Redis;
beforeEach(() => {
  redis = new Redis(redisUrl());
});
afterEach(() => redis.quit());

it('the sweep never books a slot ahead of starts waiting for one, and takes at most every other slot', async () => {
  const keyPrefix = uniquePrefix();
  const starts = createPacer({ redis, keyPrefix, maxPerSecond: 10 }); // slots 110 ms apart
  const sweepSlot = createSweepSlots({
    pacer: createPacer({ redis, keyPrefix, maxPerSecond: 10, maxInlineWaitMs: 0 }),
    maxPerSecond: 10,
  });
  const t0 = performance.now();
  const at = () => performance.now() - t0;
  // Five starts queue up at once (slots 0 to 440 ms); the sweep asks for a slot just after them.
  const startTimes = Promise.all(Array.from({ length: 5 }, () => starts.acquire().then(at)));
  const sweepTimes: number[] = [];
  const sweeping = (async () => {
    for (let i = 0; i < 4; i++) sweepTimes.push(await sweepSlot().then(at));
  })();
  // A sixth start arriving while the sweep runs still gets the next slot after its own spacing.
  await new Promise((r) => setTimeout(r, 600));
  const late = await starts.acquire().then(at);
  const [times] = await Promise.all([startTimes, sweeping]);
  expect(Math.max(...times)).toBeLessThan(600);
  expect(sweepTimes[0]).toBeGreaterThanOrEqual(Math.max(...times)); // after every waiting start
  for (let i = 1; i < sweepTimes.length; i++)
    expect(sweepTimes[i]! - sweepTimes[i - 1]!).toBeGreaterThanOrEqual(215); // every other slot
  expect(late).toBeLessThan(600 + 250); // never more than one sweep slot in its way
});
