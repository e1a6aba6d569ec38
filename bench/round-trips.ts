import { Redis } from 'ioredis';
import { startZoomSandbox } from '../src/sandbox/zoom-sandbox';
import {
  addStartJobs,
  benchQueue,
  serviceProcess,
  webhook,
  zoomEnv,
  type BenchContext,
} from './fixtures';
import { countingProxy, sleep } from './lib';
import { recordValue } from './report';

/** Commands Redis ran since the last RESETSTAT (INFO commandstats; Lua's inner calls included). */
async function commandsRun(admin: Redis): Promise<{ all: number; of: (name: string) => number }> {
  const stats = await admin.info('commandstats');
  const calls = [...stats.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)]
    .filter(([, n]) => !['info', 'config|resetstat'].includes(n!))
    .map(([, n, c]) => [n!, Number(c)] as const);
  const of = (name: string) => calls.find(([n]) => n === name)?.[1] ?? 0;
  return { all: calls.reduce((a, [, c]) => a + c, 0), of };
}

/** Round trips per accepted webhook through a counting TCP proxy; commandstats for context. */
export async function receiverRoundTrips(ctx: BenchContext): Promise<void> {
  const n = 1000;
  console.log(`redis round trips per accepted webhook (${n} webhooks through a counting proxy)`);
  const proxy = await countingProxy(ctx.redisPort);
  ctx.cleanups.push(() => proxy.close());
  const receiver = await serviceProcess('receiver', {
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    QUEUE_PREFIX: 'bench8',
  });
  ctx.cleanups.push(() => receiver.stop());
  await fetch(`${receiver.url}/webhooks/zoom`, { method: 'POST', ...webhook() }); // loads the script
  await sleep(200);
  await ctx.admin.config('RESETSTAT');
  proxy.reset();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${receiver.url}/webhooks/zoom`, { method: 'POST', ...webhook() });
    if (res.status !== 204) throw new Error(`webhook answered ${res.status}`);
  }
  const trips = proxy.roundTrips() / n;
  const run = await commandsRun(ctx.admin);
  recordValue(
    'redis round trips per accepted webhook',
    trips,
    'round trips',
    '<= 1.05',
    trips <= 1.05,
  );
  console.log(
    `        commandstats per webhook: evalsha ${run.of('evalsha') / n}, exists ${run.of('exists') / n}, all commands ${run.all / n} (Redis 7 also counts the commands BullMQ's Lua script runs inside)`,
  );
  await receiver.stop();
  await proxy.close();
}

/**
 * Round trips per start attempt: a worker (concurrency 1, so requests never overlap on a
 * connection and each exchange counts once) connects through the counting proxy and starts
 * `n` meetings against an instant-204 Zoom; every request/response exchange on any of its
 * connections, blocking fetches and lock renewals included, divided by the PATCHes Zoom saw.
 * Beside it: all commands Redis ran per meeting (enqueue + start), from INFO commandstats.
 */
export async function workerRoundTrips(ctx: BenchContext): Promise<void> {
  const n = 300;
  console.log(
    `redis round trips per start attempt (${n} meetings, worker through a counting proxy)`,
  );
  let patches = 0;
  const zoom = await startZoomSandbox({
    rateLimitedStarts: 0,
    onAnswer: (req) => void (/\/livestream\/status$/.test(req.path) && patches++),
  });
  ctx.cleanups.push(() => zoom.close());
  const proxy = await countingProxy(ctx.redisPort);
  ctx.cleanups.push(() => proxy.close());
  const worker = await serviceProcess('worker', {
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    QUEUE_PREFIX: 'bench9',
    WORKER_CONCURRENCY: '1',
    ...zoomEnv(zoom),
  });
  ctx.cleanups.push(() => worker.stop());
  const c = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const q = benchQueue(c, 'bench9');
  const drain = async (total: number) => {
    const until = Date.now() + 120_000;
    while (((await q.getJobCounts('completed')).completed ?? 0) < total && Date.now() < until)
      await sleep(100);
  };
  await addStartJobs(q, 'warm', 10, 40_000); // token fetched, scripts loaded
  await drain(10);
  await q.pause();
  await ctx.admin.config('RESETSTAT');
  await addStartJobs(q, 'rt', n, 50_000);
  proxy.reset();
  patches = 0;
  await q.resume();
  const until = Date.now() + 120_000;
  while (patches < n && Date.now() < until) await sleep(50); // counted here, not by asking Redis
  await drain(10 + n);
  const trips = proxy.roundTrips() / patches;
  const run = await commandsRun(ctx.admin);
  recordValue('redis round trips per start attempt', trips, 'round trips', '<= 3', trips <= 3);
  recordValue(
    'redis commands per meeting (enqueue + one start attempt)',
    run.all / n,
    'commands',
    '-',
    true,
  );
  console.log(
    `        per meeting: evalsha ${Math.round((run.of('evalsha') / n) * 100) / 100}, eval ${Math.round((run.of('eval') / n) * 100) / 100}; ${patches} PATCHes for ${n} meetings`,
  );
  await worker.stop();
  await q.obliterate({ force: true });
  await q.close();
  c.disconnect();
  await proxy.close();
  await zoom.close();
}
