import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../src/logging/create-logger';
import {
  createStartQueue,
  enqueueStart,
  START_JOB,
  START_JOB_OPTIONS,
} from '../src/queue/start-queue';
import { startJobId, type StartJobData } from '../src/domain/start-job';
import { cannon, serviceProcess, type BenchContext } from './fixtures';
import { percentile, spawnTs } from './lib';
import { record, recordValue } from './report';
import { pairedRatios } from './stats';

const ROUNDS = 3;

/** Receiver throughput against bare Express, interleaved rounds; p99 at half of that load. */
export async function receiverFigures(ctx: BenchContext): Promise<void> {
  console.log(
    `receiver (autocannon, 32 connections, signed 1.5 KB meeting.started, unique uuids; ${ROUNDS} interleaved rounds)`,
  );
  const receiver = await serviceProcess('receiver', {
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: 'bench1',
  });
  const bare = await spawnTs('bench/baseline-express.ts', [], {}, /listening (\d+)/);
  ctx.cleanups.push(
    () => receiver.stop(),
    () => bare.stop(),
  );
  const bareUrl = `http://127.0.0.1:${bare.match[1]}`;
  await cannon(receiver.url, { duration: 2 }); // warm-up both
  await cannon(bareUrl, { duration: 2 });
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so neither always gets the quieter half of a round.
    const order = r % 2 === 0 ? (['bare', 'ours'] as const) : (['ours', 'bare'] as const);
    for (const who of order) {
      const result = await cannon(who === 'ours' ? receiver.url : bareUrl, { duration: 3 });
      if (who === 'ours' && result.non2xx > 0)
        throw new Error(
          `receiver answered ${result.non2xx} non-2xx responses: ${JSON.stringify(result.statusCodeStats)}\n${receiver.output().slice(-1500)}`,
        );
      (who === 'ours' ? ours : theirs).push(result.requests.average);
    }
  }
  const t = pairedRatios(ours, theirs);
  record({
    name: 'receiver throughput',
    unit: 'req/s',
    ...t,
    target: 'ratio >= 0.5',
    pass: t.ratio >= 0.5,
  });
  const half = await cannon(receiver.url, {
    overallRate: Math.floor(t.value / 2),
    connections: 16,
  });
  recordValue('receiver latency p50 at half of max load', half.latency.p50, 'ms', '-', true);
  recordValue(
    'receiver latency p99 at half of max load',
    half.latency.p99,
    'ms',
    '<= 10 ms',
    half.latency.p99 <= 10,
  );
  await receiver.stop();
  await bare.stop();
}

/** The enqueue step (EXISTS + BullMQ add) against raw queue.add, batches interleaved per round. */
export async function enqueueFigure(ctx: BenchContext): Promise<void> {
  const rounds = 5;
  console.log(`enqueue step (in process, ${rounds} rounds of 4 x 100 adds each side, interleaved)`);
  const connection = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 });
  const queue = createStartQueue(connection, 'bench3', createLogger('silent'));
  await queue.waitUntilReady();
  const step: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < rounds + 1; r++) {
    const times = { step: [] as number[], raw: [] as number[] };
    for (let batch = 0; batch < 8; batch++) {
      const kind = (batch + r) % 2 === 0 ? 'step' : 'raw';
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
        const began = performance.now();
        if (kind === 'step') await enqueueStart(queue, data);
        else
          await queue.add(START_JOB, data, {
            ...START_JOB_OPTIONS,
            jobId: startJobId('meeting', uuid),
          });
        times[kind].push(performance.now() - began);
      }
    }
    if (r === 0) continue; // warm-up round
    step.push(percentile(times.step, 50));
    raw.push(percentile(times.raw, 50));
  }
  const e = pairedRatios(step, raw);
  record({
    name: 'enqueue step p50',
    unit: 'ms',
    ...e,
    target: '<= 1.2x raw queue.add',
    pass: e.ratio <= 1.2,
  });
  await queue.close();
  connection.disconnect();
}
