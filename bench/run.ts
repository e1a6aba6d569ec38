import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/logging/create-logger';
import {
  createStartQueue,
  enqueueStart,
  LIVESTREAM_QUEUE,
  START_JOB,
  START_JOB_OPTIONS,
  startJobId,
  type StartJobData,
} from '../src/queue/start-queue';
import { startEmbeddedRedis } from '../src/redis/embedded-redis';
import { startZoomSandbox } from '../src/sandbox/zoom-sandbox';
import { signZoomWebhook } from '../src/webhook/signature';
import { countingProxy, percentile, ROOT, rssMb, sleep, spawnTs, type Child } from './lib';

/**
 * `npm run bench`: every figure next to a baseline measured in the same run, on this machine.
 * Load comes from autocannon in this process; the service and the baselines run as child
 * processes; Zoom is the built-in sandbox answering at once. Never part of `npm test`.
 */

interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: string;
  pass: boolean;
}

const SECRET = 'bench-secret';
const figures: Figure[] = [];
const record = (f: Figure) => {
  figures.push(f);
  const base =
    f.baseline === null
      ? ''
      : ` (baseline ${round(f.baseline)} ${f.unit}, ratio ${round(f.ratio ?? NaN)})`;
  console.log(
    `  ${f.pass ? 'PASS' : 'MISS'}  ${f.name}: ${round(f.value)} ${f.unit}${base}  [target ${f.target}]`,
  );
};
const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100);

/** Where a `zoom-livestream-worker sandbox` process listens, with its default credentials. */
const sandboxAt = (origin: string) => ({
  apiBaseUrl: `${origin}/v2`,
  oauthTokenUrl: `${origin}/oauth/token`,
  credentials: {
    accountId: 'sandbox-account',
    clientId: 'sandbox-client',
    clientSecret: 'sandbox-secret',
  },
});

/** A signed meeting.started of about 1.5 KB with a fresh uuid each time. */
function webhook(meetingId = 85012345678): {
  body: string;
  headers: Record<string, string>;
  uuid: string;
} {
  const uuid = randomBytes(12).toString('base64');
  const body = JSON.stringify({
    event: 'meeting.started',
    event_ts: Date.now(),
    payload: {
      account_id: 'AAAAAAAAAAAAAAAAAAAAAA',
      object: {
        id: meetingId,
        uuid,
        host_id: 'z8yCxTTTTSiw02QgCAp8uQ',
        topic: 'Sunday service',
        agenda: 'x'.repeat(1150),
        type: 2,
        start_time: new Date().toISOString(),
        timezone: 'Europe/Paris',
        duration: 90,
      },
    },
  });
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    body,
    uuid,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-zm-request-timestamp': ts,
      'x-zm-signature': signZoomWebhook(SECRET, ts, body),
    },
  };
}

function cannon(url: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/webhooks/zoom`,
        method: 'POST',
        connections: 32,
        duration: 5,
        requests: [
          {
            setupRequest: (req) => {
              const w = webhook();
              return { ...req, method: 'POST', body: w.body, headers: w.headers };
            },
          },
        ],
        ...options,
      },
      (err, result) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
    );
  });
}

async function serviceProcess(
  role: string,
  env: Record<string, string>,
): Promise<Child & { url: string }> {
  const child = await spawnTs(
    'src/cli.ts',
    ['start', '--role', role],
    { PORT: '0', HOST: '127.0.0.1', ZOOM_WEBHOOK_SECRET_TOKEN: SECRET, ...env },
    /"url":"(http:[^"]+)"[^}]*"msg":"service started"/,
  );
  return { ...child, url: child.match[1]! };
}

async function main(): Promise<void> {
  const began = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'zlw-bench-'));
  const redis = await startEmbeddedRedis({ dataDir: join(dir, 'redis'), env: process.env });
  const admin = new Redis(redis.url);
  const log = createLogger('silent');
  const cleanups: (() => Promise<unknown>)[] = [() => redis.stop(), async () => admin.disconnect()];
  const zoomEnv = (z: {
    apiBaseUrl: string;
    oauthTokenUrl: string;
    credentials: { accountId: string; clientId: string; clientSecret: string };
  }) => ({
    ZOOM_API_BASE_URL: z.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: z.oauthTokenUrl,
    ZOOM_ACCOUNT_ID: z.credentials.accountId,
    ZOOM_CLIENT_ID: z.credentials.clientId,
    ZOOM_CLIENT_SECRET: z.credentials.clientSecret,
  });
  try {
    // 1, 2: receiver throughput against a bare Express app, interleaved; latency at half load.
    console.log(
      'receiver (autocannon, 32 connections, signed 1.5 KB meeting.started, unique uuids)',
    );
    const receiver = await serviceProcess('receiver', {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'bench1',
    });
    const bare = await spawnTs('bench/baseline-express.ts', [], {}, /listening (\d+)/);
    cleanups.push(
      () => receiver.stop(),
      () => bare.stop(),
    );
    const bareUrl = `http://127.0.0.1:${bare.match[1]}`;
    await cannon(receiver.url, { duration: 2 }); // warm-up both
    await cannon(bareUrl, { duration: 2 });
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < 2; round++) {
      theirs.push((await cannon(bareUrl, {})).requests.average);
      const r = await cannon(receiver.url, {});
      if (r.non2xx > 0)
        throw new Error(
          `receiver answered ${r.non2xx} non-2xx responses: ${JSON.stringify(r.statusCodeStats)}\n${receiver.output().slice(-1500)}`,
        );
      ours.push(r.requests.average);
    }
    const rps = ours.reduce((a, b) => a + b) / ours.length;
    const bareRps = theirs.reduce((a, b) => a + b) / theirs.length;
    record({
      name: 'receiver throughput',
      value: rps,
      unit: 'req/s',
      baseline: bareRps,
      ratio: rps / bareRps,
      target: 'ratio >= 0.5',
      pass: rps / bareRps >= 0.5,
    });
    const half = await cannon(receiver.url, { overallRate: Math.floor(rps / 2), connections: 16 });
    record({
      name: 'receiver latency p50 at half of max load',
      value: half.latency.p50,
      unit: 'ms',
      baseline: null,
      ratio: null,
      target: '-',
      pass: true,
    });
    record({
      name: 'receiver latency p99 at half of max load',
      value: half.latency.p99,
      unit: 'ms',
      baseline: null,
      ratio: null,
      target: '<= 10 ms',
      pass: half.latency.p99 <= 10,
    });
    await receiver.stop();
    await bare.stop();

    // 3: the enqueue step (EXISTS + BullMQ add, pipelined) against raw queue.add, interleaved.
    console.log('enqueue step (in process, 2 x 2000 adds, interleaved in batches of 100)');
    const connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const queue = createStartQueue(connection, 'bench3', log);
    await queue.waitUntilReady();
    const stepTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let batch = 0; batch < 40; batch++) {
      for (let i = 0; i < 100; i++) {
        const uuid = randomBytes(12).toString('base64');
        const data: StartJobData = {
          kind: 'meeting',
          meetingId: '85012345678',
          uuid,
          receivedAt: Date.now(),
          source: 'webhook',
          topic: 'Sunday service',
        };
        const t = performance.now();
        if (batch % 2 === 0) await enqueueStart(queue, data);
        else
          await queue.add(START_JOB, data, {
            ...START_JOB_OPTIONS,
            jobId: startJobId('meeting', uuid),
          });
        (batch % 2 === 0 ? stepTimes : rawTimes).push(performance.now() - t);
      }
    }
    const stepP50 = percentile(stepTimes, 50);
    const rawP50 = percentile(rawTimes, 50);
    record({
      name: 'enqueue step p50',
      value: stepP50,
      unit: 'ms',
      baseline: rawP50,
      ratio: stepP50 / rawP50,
      target: '<= 1.2x raw queue.add',
      pass: stepP50 / rawP50 <= 1.2,
    });
    await queue.close();
    connection.disconnect();

    // 4: worker throughput against an instant-204 Zoom, concurrency 50, vs a no-op BullMQ worker.
    console.log(
      'worker throughput (2000 jobs per run, concurrency 50, sandbox Zoom in its own process)',
    );
    const fastZoom = await spawnTs(
      'src/cli.ts',
      ['sandbox', '--port', '0', '--rate-limited-starts', '0'],
      {},
      /listening on (http:\S+)/,
    );
    cleanups.push(() => fastZoom.stop());
    const fastOrigin = fastZoom.match[1]!;
    const sandboxEnv = zoomEnv(sandboxAt(fastOrigin));
    const runWorker = async (kind: 'ours' | 'noop', runNo: number): Promise<number> => {
      const prefix = `bench4${kind}${runNo}`;
      const c = new Redis(redis.url, { maxRetriesPerRequest: null });
      const q = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection: c, prefix });
      await q.pause();
      const jobs = Array.from({ length: 2000 }, (_, i) => {
        const uuid = `w${runNo}-${i}`;
        return {
          name: START_JOB,
          data: {
            kind: 'meeting' as const,
            meetingId: String(10_000 + i),
            uuid,
            receivedAt: Date.now(),
            source: 'cli' as const,
          },
          opts: { ...START_JOB_OPTIONS, jobId: startJobId('meeting', uuid) },
        };
      });
      for (let i = 0; i < jobs.length; i += 500) await q.addBulk(jobs.slice(i, i + 500));
      const worker =
        kind === 'ours'
          ? await serviceProcess('worker', {
              REDIS_URL: redis.url,
              QUEUE_PREFIX: prefix,
              WORKER_CONCURRENCY: '50',
              ZOOM_MAX_REQUESTS_PER_SECOND: '1000',
              ...sandboxEnv,
            })
          : await spawnTs(
              'bench/baseline-worker.ts',
              [],
              {
                REDIS_URL: redis.url,
                QUEUE_PREFIX: prefix,
                QUEUE_NAME: LIVESTREAM_QUEUE,
                CONCURRENCY: '50',
              },
              /ready/,
            );
      await sleep(500);
      const t = performance.now();
      await q.resume();
      while (((await q.getJobCounts('completed')).completed ?? 0) < jobs.length) await sleep(20);
      const perSecond = jobs.length / ((performance.now() - t) / 1000);
      await worker.stop();
      await q.obliterate({ force: true });
      await q.close();
      c.disconnect();
      return perSecond;
    };
    const noop: number[] = [];
    const real: number[] = [];
    for (let runNo = 0; runNo < 2; runNo++) {
      noop.push(await runWorker('noop', runNo));
      real.push(await runWorker('ours', runNo));
    }
    const jobsPerSecond = real.reduce((a, b) => a + b) / real.length;
    const noopPerSecond = noop.reduce((a, b) => a + b) / noop.length;
    record({
      name: 'worker throughput (each job: token + paced PATCH + progress)',
      value: jobsPerSecond,
      unit: 'jobs/s',
      baseline: noopPerSecond,
      ratio: jobsPerSecond / noopPerSecond,
      target: 'ratio >= 0.6',
      pass: jobsPerSecond / noopPerSecond >= 0.6,
    });

    // 5, 6: webhook → PATCH latency with an idle worker; the 429 path against the configured delay.
    console.log(
      'end to end (service process "all"; sandbox in this process, so both ends share a clock)',
    );
    for (const [label, limited, delay] of [
      ['latency', 0, 30_000],
      ['429', 1, 3000],
    ] as const) {
      const answers = new Map<string, { status: number; at: number }[]>();
      const zoom = await startZoomSandbox({
        rateLimitedStarts: limited,
        onAnswer: (req, status) => {
          const id = /meetings\/(\d+)\/livestream\/status/.exec(req.path)?.[1];
          if (id)
            answers.set(id, [
              ...(answers.get(id) ?? []),
              { status, at: performance.timeOrigin + performance.now() },
            ]);
        },
      });
      const app = await serviceProcess('all', {
        REDIS_URL: redis.url,
        QUEUE_PREFIX: `bench5${label}`,
        LIVESTREAM_RETRY_DELAY_MS: String(delay),
        ...zoomEnv(zoom),
      });
      const sentAt = new Map<string, number>();
      const count = label === 'latency' ? 100 : 20;
      for (let i = 0; i < count; i++) {
        const id = String(20_000 + i);
        const w = webhook(Number(id));
        sentAt.set(id, performance.timeOrigin + performance.now());
        const res = await fetch(`${app.url}/webhooks/zoom`, {
          method: 'POST',
          headers: w.headers,
          body: w.body,
        });
        if (res.status !== 204) throw new Error(`webhook answered ${res.status}`);
        await sleep(100); // 10/s: under the default pacing limit of 20/s, so the worker is idle
      }
      const needed = label === 'latency' ? 1 : 2;
      const until = Date.now() + delay + 15_000;
      while (
        [...sentAt.keys()].some((id) => (answers.get(id)?.length ?? 0) < needed) &&
        Date.now() < until
      )
        await sleep(50);
      if (label === 'latency') {
        const latencies = [...sentAt].map(([id, t]) => answers.get(id)![0]!.at - t);
        record({
          name: 'webhook -> PATCH received p50 (idle worker)',
          value: percentile(latencies, 50),
          unit: 'ms',
          baseline: null,
          ratio: null,
          target: '<= 10 ms',
          pass: percentile(latencies, 50) <= 10,
        });
        record({
          name: 'webhook -> PATCH received p99 (idle worker)',
          value: percentile(latencies, 99),
          unit: 'ms',
          baseline: null,
          ratio: null,
          target: '<= 50 ms',
          pass: percentile(latencies, 99) <= 50,
        });
      } else {
        const gaps = [...sentAt.keys()].map((id) => {
          const [first, second] = answers.get(id)!;
          return second!.at - first!.at;
        });
        const worst = Math.max(...gaps);
        const best = Math.min(...gaps);
        record({
          name: '429 -> next PATCH, worst of 20',
          value: worst,
          unit: 'ms',
          baseline: delay,
          ratio: worst / delay,
          target: 'delay +0..1000 ms',
          pass: best >= delay && worst <= delay + 1000,
        });
        record({
          name: '429 -> next PATCH, median of 20',
          value: percentile(gaps, 50),
          unit: 'ms',
          baseline: delay,
          ratio: percentile(gaps, 50) / delay,
          target: 'delay +0..1000 ms',
          pass: percentile(gaps, 50) >= delay && percentile(gaps, 50) <= delay + 1000,
        });
      }
      await app.stop();
      await zoom.close();
    }

    // 7: worker memory with 10,000 meetings waiting on a 429 retry, against the same worker idle.
    console.log('worker memory (10,000 meetings waiting on a 429; sandbox in its own process)');
    const slowZoom = await spawnTs(
      'src/cli.ts',
      ['sandbox', '--port', '0', '--rate-limited-starts', '1000000'],
      {},
      /listening on (http:\S+)/,
    );
    cleanups.push(() => slowZoom.stop());
    const slowOrigin = slowZoom.match[1]!;
    const memWorker = await serviceProcess('worker', {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'bench7',
      WORKER_CONCURRENCY: '50',
      ZOOM_MAX_REQUESTS_PER_SECOND: '1000',
      LIVESTREAM_RETRY_DELAY_MS: '3600000',
      ...zoomEnv(sandboxAt(slowOrigin)),
    });
    cleanups.push(() => memWorker.stop());
    await sleep(3000);
    const idleRss = rssMb(memWorker.child.pid!);
    const c7 = new Redis(redis.url, { maxRetriesPerRequest: null });
    const q7 = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection: c7, prefix: 'bench7' });
    const waiting = Array.from({ length: 10_000 }, (_, i) => ({
      name: START_JOB,
      data: {
        kind: 'meeting' as const,
        meetingId: String(30_000 + i),
        uuid: `m${i}`,
        receivedAt: Date.now(),
        source: 'cli' as const,
      },
      opts: { ...START_JOB_OPTIONS, jobId: startJobId('meeting', `m${i}`) },
    }));
    for (let i = 0; i < waiting.length; i += 1000) await q7.addBulk(waiting.slice(i, i + 1000));
    const memUntil = Date.now() + 120_000;
    while (
      ((await q7.getJobCounts('delayed')).delayed ?? 0) < waiting.length &&
      Date.now() < memUntil
    )
      await sleep(250);
    await sleep(2000);
    const busyRss = rssMb(memWorker.child.pid!);
    const delayed = (await q7.getJobCounts('delayed')).delayed ?? 0;
    record({
      name: `worker RSS with ${delayed} meetings waiting on a 429`,
      value: busyRss - idleRss,
      unit: 'MB extra',
      baseline: idleRss,
      ratio: busyRss / idleRss,
      target: '<= 150 MB extra',
      pass: delayed === waiting.length && busyRss - idleRss <= 150,
    });
    await memWorker.stop();
    await q7.close();
    c7.disconnect();

    // 8: Redis round trips per accepted webhook, counted by a TCP proxy; commandstats for context.
    console.log('redis round trips per accepted webhook (1000 webhooks through a counting proxy)');
    const proxy = await countingProxy(redis.port);
    cleanups.push(() => proxy.close());
    const counted = await serviceProcess('receiver', {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      QUEUE_PREFIX: 'bench8',
    });
    cleanups.push(() => counted.stop());
    await fetch(`${counted.url}/webhooks/zoom`, { method: 'POST', ...webhook() }); // warm-up (script load)
    await sleep(200);
    await admin.config('RESETSTAT');
    proxy.reset();
    for (let i = 0; i < 1000; i++) {
      const res = await fetch(`${counted.url}/webhooks/zoom`, { method: 'POST', ...webhook() });
      if (res.status !== 204) throw new Error(`webhook answered ${res.status}`);
    }
    const trips = proxy.roundTrips() / 1000;
    const stats = await admin.info('commandstats');
    const calls = (name: string) =>
      Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    const allCalls = [...stats.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)]
      .filter(([, n]) => !['info', 'config|resetstat'].includes(n!))
      .reduce((a, [, , c]) => a + Number(c), 0);
    record({
      name: 'redis round trips per accepted webhook',
      value: trips,
      unit: 'round trips',
      baseline: null,
      ratio: null,
      target: '<= 1.05',
      pass: trips <= 1.05,
    });
    console.log(
      `        commandstats per webhook: evalsha ${calls('evalsha') / 1000}, exists ${calls('exists') / 1000}, all commands ${allCalls / 1000} (Redis 7 also counts the commands BullMQ's Lua script runs inside)`,
    );

    const results = {
      generatedAt: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - began) / 1000),
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        redis: execFileSync('redis-server', ['--version']).toString().trim(),
      },
      versions: Object.fromEntries(
        ['bullmq', 'ioredis', 'express', 'undici', 'pino'].map((p) => [
          p,
          (
            JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')) as {
              version: string;
            }
          ).version,
        ]),
      ),
      figures,
    };
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(
      join(ROOT, 'bench', 'results', 'latest.json'),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    console.log(
      `\n${figures.filter((f) => f.pass).length}/${figures.length} figures on target, ${results.durationSeconds} s; written to bench/results/latest.json`,
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
