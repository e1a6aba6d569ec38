import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { accountStarts, startAccountWorkers, stormyZoom } from '../../bench/account-workers';
import type { StartJobData } from '../../src/domain/start-job';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { createZoomDispatcher } from '../../src/zoom/http';
import type { Pacer } from '../../src/zoom/pacer';
import { createZoomClient, type ZoomClient } from '../../src/zoom/zoom-client';
import { startArrivalsServer, maxInWindow, type ArrivalsServer } from '../support/arrivals-server';
import { captureLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';
import { eventually } from '../support/service';

// Two accounts, each with its own pacer, in one queue and one worker: A has a backlog of due
// starts at its limit and answers an account-level 429 to every fifth call; B's new meeting is
// called at once, long before A's backlog drains. Calls are counted where they arrive (a Zoom
// stand-in in a process of its own per account).

const dispatcher = createZoomDispatcher(5000);
const servers: ArrivalsServer[] = [];
afterAll(async () => {
  servers.forEach((s) => s.close());
  await dispatcher.close();
});

const tokens = {
  get: async () => 't',
  invalidate: async () => undefined,
  verify: async () => 'accepted' as const,
  credentials: () => 'accepted' as const,
};

function client(server: ArrivalsServer, pacer: Pacer): ZoomClient {
  return createZoomClient({
    baseUrl: `${server.origin}/v2`,
    dispatcher,
    tokens,
    timeoutMs: 5000,
    pacer,
  });
}

/** Every fifth call that reached Zoom is answered as an account-level 429 ("retry after 1 s"). */

const startsOf = (account: string, count: number, from: number) =>
  accountStarts(account, count, from, 'fair');

it("calls B's new meeting at once while A's backlog drains at A's own limit through a 429 storm", async () => {
  const [zoomA, zoomB] = await Promise.all([startArrivalsServer(), startArrivalsServer()]);
  servers.push(zoomA, zoomB);
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const prefix = uniquePrefix();
  const queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix });
  const BACKLOG = 60;
  const workers = startAccountWorkers({
    connection,
    prefix,
    concurrency: 4,
    perAccount: 2,
    inlineWaitMs: 250,
    log: captureLog('warn').log,
    accounts: [
      { name: 'a', maxPerSecond: 10, zoom: (pacer) => stormyZoom(client(zoomA, pacer), 5) },
      { name: 'b', maxPerSecond: 10, zoom: (pacer) => client(zoomB, pacer) },
    ],
  });
  try {
    await queue.addBulk(startsOf('a', BACKLOG, 1000));
    // A's backlog is under way: its calls arrive, and the rest wait for their slots.
    await eventually(
      async () => ((await zoomA.arrivals()).length >= 10 ? true : undefined),
      30_000,
    );
    const queuedB = performance.timeOrigin + performance.now();
    await queue.addBulk(startsOf('b', 1, 2000));
    const [arrivedB] = await eventually(async () => {
      const got = await zoomB.arrivals();
      return got.length > 0 ? got : undefined;
    }, 30_000);
    const aBeforeB = (await zoomA.arrivals()).filter((at) => at < arrivedB!).length;
    expect(aBeforeB).toBeLessThan(BACKLOG / 2); // A's backlog is far from drained
    expect(arrivedB! - queuedB).toBeLessThan(1000); // B waited for nobody's pace
    await eventually(
      async () =>
        (await queue.getJobCounts('completed')).completed === BACKLOG + 1 ? true : undefined,
      90_000,
    );
    const arrivalsA = await zoomA.arrivals();
    expect(arrivalsA.length).toBeGreaterThanOrEqual(BACKLOG + BACKLOG / 5 - 1); // the 429s were retried
    expect(maxInWindow(arrivalsA, 1000)).toBeLessThanOrEqual(10);
  } finally {
    await workers.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  }
}, 120_000);
