import { Redis } from 'ioredis';
import { benchQueue, type BenchContext, type ZoomAt } from './fixtures';
import {
  accountsSandbox,
  accountWorker,
  addAll,
  completed,
  latencies,
  startsFor,
  storm,
} from './fairness-lib';
import { manyAccountsFootprint } from './fairness-footprint';
import { percentile, sleep } from './lib';
import { record } from './report';
import { pairedRatios } from './stats';

// Fairness between accounts, measured on the service's own worker (`start --role worker`, a
// process of its own) serving accounts from an accounts file, against the sandbox playing them.

/**
 * B's new meetings while A holds 2,000 due starts at its limit (10/s) and its Zoom answers every
 * third call with an account-level 429: B's latency from enqueue, against the same with A idle.
 */
async function neighbourLatency(ctx: BenchContext, zoom: ZoomAt): Promise<void> {
  const run = async (backlog: boolean, n: number) => {
    const prefix = `bench9f${backlog ? 'busy' : 'idle'}${n}`;
    const c = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
    const q = benchQueue(c, prefix);
    const worker = await accountWorker({
      redisUrl: ctx.redisUrl,
      prefix,
      zoom,
      accounts: 2,
      rate: 10,
    });
    if (backlog) {
      await addAll(q, startsFor('a0', 2000, 10_000, prefix));
      // B's meetings come once A's backlog waits for its slots (handed back, not in the way).
      while (((await q.getJobCounts('delayed')).delayed ?? 0) < 1900) await sleep(50);
    }
    for (let i = 0; i < 40; i++) {
      await q.addBulk(startsFor('a1', 1, 50_000 + i, `${prefix}-${i}`));
      await sleep(250); // 4/s: within B's own limit, so B never waits for its own pace
    }
    const until = Date.now() + 30_000;
    while ((await latencies(q, 'a1')).length < 40 && Date.now() < until) await sleep(50);
    const b = await latencies(q, 'a1');
    const aDone = (await latencies(q, 'a0')).length;
    await worker.stop();
    await q.obliterate({ force: true });
    await q.close();
    c.disconnect();
    return { b, aDone };
  };
  await storm(zoom, 'a0', 3);
  const idle = await run(false, 0);
  const busy = await run(true, 0);
  await storm(zoom, 'a0');
  const p = (v: number[], q: number) => Math.round(percentile(v, q));
  console.log(
    `        B (40 meetings at 4/s, its limit 10/s): p50 ${p(idle.b, 50)} ms, p99 ${p(idle.b, 99)} ms with A idle; ` +
      `p50 ${p(busy.b, 50)} ms, p99 ${p(busy.b, 99)} ms with A's backlog (A finished ${busy.aDone} of 2000 meanwhile)`,
  );
  record({
    name: "B's first PATCH p99 from enqueue, A with 2,000 due starts at 10/s and a 429 storm",
    value: percentile(busy.b, 99),
    unit: 'ms',
    baseline: percentile(idle.b, 99),
    baselineUnit: 'ms with A idle',
    ratio: percentile(busy.b, 99) / percentile(idle.b, 99),
    target: 'p99 <= 1000 ms, 40 of 40 started',
    pass: busy.b.length === 40 && percentile(busy.b, 99) <= 1000,
  });
}

/** Worker throughput with 2,000 starts spread over 100 accounts, against the same on 1 account. */
async function manyAccountsThroughput(ctx: BenchContext, zoom: ZoomAt): Promise<void> {
  const JOBS = 2000;
  const run = async (accounts: number, n: number) => {
    const prefix = `bench9t${accounts}x${n}`;
    const c = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
    const q = benchQueue(c, prefix);
    await q.pause();
    const per = JOBS / accounts;
    for (let a = 0; a < accounts; a++) await addAll(q, startsFor(`a${a}`, per, a * per, prefix));
    // Each account's limit far above Zoom's, so the figure is the worker's own cost.
    const worker = await accountWorker({
      redisUrl: ctx.redisUrl,
      prefix,
      zoom,
      accounts,
      rate: 100_000,
    });
    const began = performance.now();
    await q.resume();
    await completed(q, JOBS, 120_000);
    const perSecond = JOBS / ((performance.now() - began) / 1000);
    await worker.stop();
    await q.obliterate({ force: true });
    await q.close();
    c.disconnect();
    return perSecond;
  };
  const many: number[] = [];
  const one: number[] = [];
  for (let r = 0; r < 3; r++) {
    const order = r % 2 === 0 ? [1, 100] : [100, 1];
    for (const accounts of order) (accounts === 1 ? one : many).push(await run(accounts, r));
  }
  const w = pairedRatios(many, one);
  record({
    name: 'worker throughput, 2,000 starts over 100 accounts vs 1 account',
    unit: 'jobs/s',
    ...w,
    target: 'ratio >= 0.9',
    pass: w.ratio >= 0.9,
  });
}

/** `npm run bench -- fairness`: one account's backlog against another's new meetings, many accounts. */
export async function fairnessFigures(ctx: BenchContext): Promise<void> {
  console.log(
    "fairness between accounts (the service's worker, start --role worker, with an accounts file; the sandbox Zoom playing the accounts in its own process)",
  );
  const sandbox = await accountsSandbox(0);
  ctx.cleanups.push(() => sandbox.stop());
  await neighbourLatency(ctx, sandbox.zoom);
  await manyAccountsThroughput(ctx, sandbox.zoom);
  await sandbox.stop();
  await manyAccountsFootprint(ctx);
}
