import { Redis } from 'ioredis';
import { awaitSlot } from '../../src/operator/account-zoom';
import { createPacer, PacerBusyError } from '../../src/zoom/pacer';
import { redisUrl, uniquePrefix } from '../support/redis';

// An operator's stop on an account whose starts reserved slots ahead waits its turn behind them
// instead of being refused as paced.

let redis: Redis;
beforeEach(() => {
  redis = new Redis(redisUrl());
});
afterEach(() => redis.quit());

it("waits for the account's next slot behind reserved ones, where a plain acquire is refused", async () => {
  const pacer = createPacer({
    redis,
    keyPrefix: uniquePrefix(),
    maxPerSecond: 20,
    maxInlineWaitMs: 50,
  });
  // A backlog of starts holds the next ten slots (about half a second ahead).
  for (let i = 0; i < 10; i++) await pacer.acquire({ reserveAhead: true }).catch(() => undefined);
  await expect(pacer.acquire()).rejects.toBeInstanceOf(PacerBusyError);
  const grant = await awaitSlot(pacer);
  expect(grant.fresh()).toBe(true);
});

it('is refused as paced when its slot is further away than it may wait', async () => {
  const pacer = createPacer({
    redis,
    keyPrefix: uniquePrefix(),
    maxPerSecond: 1,
    maxInlineWaitMs: 50,
  });
  for (let i = 0; i < 5; i++) await pacer.acquire({ reserveAhead: true }).catch(() => undefined);
  await expect(awaitSlot(pacer, 1000)).rejects.toBeInstanceOf(PacerBusyError);
});
