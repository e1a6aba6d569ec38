import { Redis } from 'ioredis';
import { LIVESTREAM_QUEUE } from '../src/queue/start-queue';
import {
  addStartJobs,
  benchQueue,
  sandboxProcess,
  serviceProcess,
  zoomEnv,
  type BenchContext,
} from './fixtures';
import { sleep, spawnTs } from './lib';
import { record } from './report';
import { pairedRatios } from './stats';

const ROUNDS = 3;
const JOBS = 2000;

/**
 * Our worker against what a user would write instead (bench/naive-worker.ts: BullMQ, an undici
 * PATCH with an in-memory token, moveToDelayed on a 429) and against a no-op BullMQ worker, all
 * at the same concurrency and on the same sandbox, in interleaved rounds.
 */
export async function workerFigure(ctx: BenchContext): Promise<void> {
  console.log(
    `worker throughput (${JOBS} jobs per run, concurrency 50, sandbox Zoom in its own process; ${ROUNDS} interleaved rounds)`,
  );
  const sandbox = await sandboxProcess(0);
  ctx.cleanups.push(() => sandbox.stop());
  const run = async (kind: 'ours' | 'naive' | 'noop', runNo: number): Promise<number> => {
    const prefix = `bench4${kind}${runNo}`;
    const c = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
    const q = benchQueue(c, prefix);
    await q.pause();
    await addStartJobs(q, `w${runNo}`, JOBS, 10_000);
    const env = { REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: prefix };
    const worker =
      kind === 'ours'
        ? await serviceProcess('worker', {
            ...env,
            WORKER_CONCURRENCY: '50',
            // Far above any Zoom account's limit, so the figure is the worker's own cost, not the pacing.
            ZOOM_MAX_REQUESTS_PER_SECOND: '100000',
            ...zoomEnv(sandbox.zoom),
          })
        : await spawnTs(
            kind === 'naive' ? 'bench/naive-worker.ts' : 'bench/baseline-worker.ts',
            [],
            {
              ...env,
              QUEUE_NAME: LIVESTREAM_QUEUE,
              CONCURRENCY: '50',
              ZOOM_API_BASE_URL: sandbox.zoom.apiBaseUrl,
            },
            /ready/,
          );
    const began = performance.now();
    await q.resume();
    while (((await q.getJobCounts('completed')).completed ?? 0) < JOBS) await sleep(20);
    const perSecond = JOBS / ((performance.now() - began) / 1000);
    await worker.stop();
    await q.obliterate({ force: true });
    await q.close();
    c.disconnect();
    return perSecond;
  };
  const seen = { ours: [] as number[], naive: [] as number[], noop: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const order =
      r % 2 === 0 ? (['noop', 'naive', 'ours'] as const) : (['ours', 'naive', 'noop'] as const);
    for (const kind of order) seen[kind].push(await run(kind, r));
  }
  const { ours, naive, noop } = seen;
  const n = pairedRatios(ours, naive);
  record({
    name: 'worker throughput against a naive worker (BullMQ + undici PATCH + in-memory token)',
    unit: 'jobs/s',
    ...n,
    target: 'ratio >= 0.8',
    pass: n.ratio >= 0.8,
  });
  const w = pairedRatios(ours, noop);
  record({
    name: 'worker throughput (each job: token + paced PATCH + progress)',
    unit: 'jobs/s',
    ...w,
    target: 'ratio >= 0.6',
    pass: w.ratio >= 0.6,
  });
  await sandbox.stop();
}
