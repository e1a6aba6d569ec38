import { Redis } from 'ioredis';
import {
  addStartJobs,
  benchQueue,
  sandboxProcess,
  serviceProcess,
  zoomEnv,
  type BenchContext,
} from './fixtures';
import { rssMb, sleep } from './lib';
import { record } from './report';

const WAITING = 10_000;

/** Heap in use, as the process itself reports it on /metrics (prom-client's default metrics). */
async function heapUsedMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1]) / 2 ** 20;
}

/** Worker RSS with 10,000 meetings waiting on a 429 retry, against the same worker idle. */
export async function memoryFigure(ctx: BenchContext): Promise<void> {
  console.log('worker memory (10,000 meetings waiting on a 429; sandbox in its own process)');
  const sandbox = await sandboxProcess(1_000_000);
  ctx.cleanups.push(() => sandbox.stop());
  const worker = await serviceProcess('worker', {
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: 'bench7',
    WORKER_CONCURRENCY: '50',
    ZOOM_MAX_REQUESTS_PER_SECOND: '1000',
    LIVESTREAM_RETRY_DELAY_MS: '3600000',
    ...zoomEnv(sandbox.zoom),
  });
  ctx.cleanups.push(() => worker.stop());
  await sleep(3000); // let start-up allocation settle before the idle reading
  const idleRss = rssMb(worker.child.pid!);
  const idleHeap = await heapUsedMb(worker.url);
  const c = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const q = benchQueue(c, 'bench7');
  await addStartJobs(q, 'm', WAITING, 30_000);
  const until = Date.now() + 120_000;
  while (((await q.getJobCounts('delayed')).delayed ?? 0) < WAITING && Date.now() < until)
    await sleep(250);
  await sleep(2000);
  const busyRss = rssMb(worker.child.pid!);
  const busyHeap = await heapUsedMb(worker.url);
  const delayed = (await q.getJobCounts('delayed')).delayed ?? 0;
  record({
    name: `worker RSS with ${delayed} meetings waiting on a 429`,
    value: busyRss - idleRss,
    unit: 'MB extra',
    baseline: idleRss,
    baselineUnit: 'MB idle',
    ratio: busyRss / idleRss,
    target: '<= 150 MB extra',
    pass: delayed === WAITING && busyRss - idleRss <= 150,
  });
  console.log(
    `        heap in use: ${Math.round(idleHeap)} MB idle, ${Math.round(busyHeap)} MB with the meetings waiting (RSS ${Math.round(idleRss)} -> ${Math.round(busyRss)} MB)`,
  );
  await worker.stop();
  await sandbox.stop();
  await q.obliterate({ force: true });
  await q.close();
  c.disconnect();
}
