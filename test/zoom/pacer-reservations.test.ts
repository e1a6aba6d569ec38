import { Redis } from 'ioredis';
import { createPacer, PacerBusyError, type SlotReservation } from '../../src/zoom/pacer';
import { redisUrl, uniquePrefix } from '../support/redis';

// The reservation script on a real Redis: a slot beyond the inline wait is reserved and handed
// back, presented again it is the caller's, and an account pause voids it.

let redis: Redis;
beforeEach(() => {
  redis = new Redis(redisUrl());
});
afterEach(() => redis.quit());

async function handedBack(promise: Promise<unknown>): Promise<PacerBusyError> {
  const error = await promise.then(
    () => new Error('granted, expected a hand-back'),
    (e: unknown) => e,
  );
  if (!(error instanceof PacerBusyError)) throw error;
  return error;
}

const reservationOf = (e: PacerBusyError): SlotReservation => {
  if (!e.reservation) throw new Error('nothing reserved');
  return e.reservation;
};

it('reserves slots beyond the inline wait one spacing apart, and a backlog queues behind them', async () => {
  const keyPrefix = uniquePrefix();
  const pacer = createPacer({ redis, keyPrefix, maxPerSecond: 1, maxInlineWaitMs: 200 });
  await pacer.acquire({ reserveAhead: true }); // now
  const second = await handedBack(pacer.acquire({ reserveAhead: true }));
  const third = await handedBack(pacer.acquire({ reserveAhead: true }));
  expect(reservationOf(third).at - reservationOf(second).at).toBe(1100);
  expect(second.returnInMs).toBe(second.waitMs - 200);
  expect(Number(await redis.get(`${keyPrefix}:zoom:slot`))).toBe(reservationOf(third).at);
  // Without reserveAhead (the sweep, an operator's stop) nothing is taken.
  const passing = await handedBack(pacer.acquire());
  expect(passing.reservation).toBeUndefined();
  expect(Number(await redis.get(`${keyPrefix}:zoom:slot`))).toBe(reservationOf(third).at);
});

it('gives a job its reserved slot when it comes back, taking no new one', async () => {
  const keyPrefix = uniquePrefix();
  const pacer = createPacer({ redis, keyPrefix, maxPerSecond: 2, maxInlineWaitMs: 300 });
  await pacer.acquire({ reserveAhead: true });
  const back = await handedBack(pacer.acquire({ reserveAhead: true })); // 550 ms away
  const slot = reservationOf(back);
  // Back too early (a clock skew): handed back again with the same slot, nothing new taken.
  const early = await handedBack(pacer.acquire({ reserveAhead: true, reserved: slot }));
  expect(early.reservation).toEqual(slot);
  await new Promise((r) => setTimeout(r, back.returnInMs));
  await pacer.acquire({ reserveAhead: true, reserved: slot });
  const [seconds, micros] = await redis.time();
  expect(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)).toBeGreaterThanOrEqual(
    slot.at,
  );
  expect(Number(await redis.get(`${keyPrefix}:zoom:slot`))).toBe(slot.at); // still the last one
});

it('voids slots reserved before an account pause: the next slot is the end of the pause, not behind the old backlog', async () => {
  const keyPrefix = uniquePrefix();
  const pacer = createPacer({ redis, keyPrefix, maxPerSecond: 10, maxInlineWaitMs: 0 });
  await pacer.acquire({ reserveAhead: true });
  const backlog: PacerBusyError[] = [];
  for (let i = 0; i < 30; i++)
    backlog.push(await handedBack(pacer.acquire({ reserveAhead: true })));
  expect(backlog.at(-1)!.waitMs).toBeGreaterThan(3000); // 30 slots 110 ms apart
  await pacer.pause(500);
  const stale = reservationOf(backlog.at(-1)!);
  const again = await handedBack(pacer.acquire({ reserveAhead: true, reserved: stale }));
  const fresh = reservationOf(again);
  expect(fresh.epoch).toBe(stale.epoch + 1);
  // The pause's end (500 ms), plus one spacing for a slot that may be slept on in place.
  expect(again.waitMs).toBeGreaterThanOrEqual(450);
  expect(again.waitMs).toBeLessThan(1000);
  expect(fresh.at).toBeLessThan(stale.at);
});
