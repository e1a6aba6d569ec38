import { Redis } from 'ioredis';
import {
  benchQueue,
  cannon,
  sandboxProcess,
  serviceProcess,
  zoomEnv,
  type BenchContext,
} from './fixtures';
import { recordValue } from './report';

const RATE = 200;
const SECONDS = 10;

/**
 * The receiver under mixed load: webhooks at a steady rate into a receiver process while a
 * worker process starts every one of them against the sandbox Zoom, all on this machine. 503s
 * are webhooks Zoom would have to redeliver; p99 is what Zoom's webhook client waits.
 */
export async function mixedFigures(ctx: BenchContext): Promise<void> {
  console.log(
    `mixed load (${RATE} webhooks/s for ${SECONDS} s into a receiver process while a worker process starts them)`,
  );
  const sandbox = await sandboxProcess(0);
  ctx.cleanups.push(() => sandbox.stop());
  const env = { REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: 'bench10' };
  const receiver = await serviceProcess('receiver', env);
  ctx.cleanups.push(() => receiver.stop());
  const worker = await serviceProcess('worker', {
    ...env,
    WORKER_CONCURRENCY: '50',
    ZOOM_MAX_REQUESTS_PER_SECOND: '1000',
    ...zoomEnv(sandbox.zoom),
  });
  ctx.cleanups.push(() => worker.stop());
  let nextId = 60_000_000;
  const result = await cannon(
    receiver.url,
    { overallRate: RATE, duration: SECONDS, connections: 16 },
    () => nextId++,
  );
  const total = result.requests.total;
  const unavailable = result.statusCodeStats?.['503']?.count ?? 0;
  const c = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const q = benchQueue(c, 'bench10');
  const accepted = result['2xx'];
  const startedDuring = (await q.getJobCounts('completed')).completed ?? 0;
  recordValue(
    `503 rate under mixed load (${total} webhooks)`,
    (100 * unavailable) / Math.max(1, total),
    '%',
    '0 %',
    unavailable === 0 && result.errors === 0,
  );
  recordValue(
    'receiver p99 under mixed load',
    result.latency.p99,
    'ms',
    '<= 10 ms (as at half load)',
    result.latency.p99 <= 10,
  );
  console.log(
    `        ${accepted} accepted, ${unavailable} answered 503, ${result.errors} errors; ${startedDuring} streams started by the end of the load, p50 ${result.latency.p50} ms`,
  );
  await worker.stop();
  await receiver.stop();
  await sandbox.stop();
  await q.obliterate({ force: true });
  await q.close();
  c.disconnect();
}
