import { Redis } from 'ioredis';
import { createPacer, PacerBusyError } from '../../src/zoom/pacer';
import { redisUrl, uniquePrefix } from '../support/redis';

let redis: Redis;
beforeEach(() => {
  redis = new Redis(redisUrl());
});
afterEach(() => redis.quit());

/** Counts the scripts the pacer runs: one per call is the promise (no polling while waiting). */
function counting(r: Redis): { redis: Redis; evals: () => number } {
  let evals = 0;
  const proxy = new Proxy(r, {
    get(target, prop, receiver) {
      if (prop === 'eval')
        return (...args: Parameters<Redis['eval']>) => {
          evals++;
          return target.eval(...args);
        };
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { redis: proxy, evals: () => evals };
}

it('reserves an evenly spaced slot per call in one round trip: 30 callers at 10/s wait in memory, never poll Redis', async () => {
  const { redis: counted, evals } = counting(redis);
  const pacer = createPacer({
    redis: counted,
    keyPrefix: uniquePrefix(),
    maxPerSecond: 10,
    maxInlineWaitMs: 5000,
  });
  const granted: number[] = [];
  await Promise.all(
    Array.from({ length: 30 }, async () => {
      await pacer.acquire();
      granted.push(performance.now());
    }),
  );
  // One each; a slot missed on a busy machine costs one more. Polling cost several per call.
  expect(evals()).toBeGreaterThanOrEqual(30);
  expect(evals()).toBeLessThan(60);
  granted.sort((a, b) => a - b);
  // Slots are 110 ms apart; a call leaves at most 30 ms late: never 11 within one second.
  for (let i = 1; i < granted.length; i++)
    expect(granted[i]! - granted[i - 1]!).toBeGreaterThanOrEqual(70);
  for (let i = 10; i < granted.length; i++)
    expect(granted[i]! - granted[i - 10]!).toBeGreaterThanOrEqual(1000);
});

it('hands a wait longer than the inline limit back to the caller, reserving nothing', async () => {
  const keyPrefix = uniquePrefix();
  const pacer = createPacer({ redis, keyPrefix, maxPerSecond: 1, maxInlineWaitMs: 200 });
  await pacer.acquire();
  const reserved = await redis.get(`${keyPrefix}:zoom:slot`);
  const busy = await pacer.acquire().catch((e: unknown) => e);
  expect(busy).toBeInstanceOf(PacerBusyError);
  expect((busy as PacerBusyError).waitMs).toBeGreaterThan(200);
  expect(await redis.get(`${keyPrefix}:zoom:slot`)).toBe(reserved);
});

it('holds every caller, in this process and in another, for an account pause', async () => {
  const keyPrefix = uniquePrefix();
  const here = createPacer({ redis, keyPrefix, maxPerSecond: 100 });
  const elsewhere = createPacer({ redis, keyPrefix, maxPerSecond: 100 });
  // The clock starts before the pause is asked for: the pause runs from when Redis sets it, which
  // is later, so a slow reply or a busy event loop only adds to what is measured, never takes away.
  const t = performance.now();
  await here.pause(300);
  const released = await Promise.all(
    [here, elsewhere].map(async (pacer) => {
      await pacer.acquire();
      return performance.now() - t;
    }),
  );
  // Redis counts whole milliseconds: 1 ms of rounding is all the slack there is.
  for (const elapsed of released) expect(elapsed).toBeGreaterThanOrEqual(299);
});

it('gives up a slot waiting in place when this process pauses the account, and waits for the pause', async () => {
  const pacer = createPacer({
    redis,
    keyPrefix: uniquePrefix(),
    maxPerSecond: 1,
    maxInlineWaitMs: 5000,
  });
  await pacer.acquire(); // now
  const second = pacer.acquire(); // reserved 1.1 s ahead, waiting in place
  await new Promise((r) => setTimeout(r, 100));
  const pausedAt = performance.now();
  await pacer.pause(2000); // Zoom's account-level 429
  await second;
  expect(performance.now() - pausedAt).toBeGreaterThanOrEqual(1950);
});
