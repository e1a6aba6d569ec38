import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

const DAY_MS = 24 * 3600 * 1000;

let service: TestService;
let connection: Redis;
let worker: Worker<StartJobData> | undefined;
beforeEach(async () => {
  service = await startTestService({ ROLE: 'receiver' });
  connection = new Redis(service.redisUrl!, { maxRetriesPerRequest: null });
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  connection.disconnect();
  await service.stop();
});

/** A stand-in worker that completes every start job at once, as a started stream does. */
function completeEveryJob(): Worker<StartJobData> {
  worker = new Worker<StartJobData>(LIVESTREAM_QUEUE, async () => ({ outcome: 'started' }), {
    connection,
    prefix: service.prefix,
  });
  return worker;
}

const deliver = (uuid: string) =>
  post(service.url, signed(meetingEvent('meeting.started', { uuid })));

/** Moves a finished job's completion back in time, as if `days` had passed since. */
async function age(jobId: string, days: number): Promise<void> {
  const finishedOn = Date.now() - days * DAY_MS;
  await connection.zadd(service.queue.toKey('completed'), finishedOn, jobId);
  await connection.hset(service.queue.toKey(jobId), 'finishedOn', String(finishedOn));
}

it('keeps finished starts 7 days (completed) and 30 days (failed), so late duplicates still deduplicate', async () => {
  expect((await deliver('kept')).status).toBe(204);
  const jobId = startJobId('meeting', 'kept');
  const stored = await service.queue.getJob(jobId);
  expect(stored?.opts.removeOnComplete).toEqual({ age: 7 * 24 * 3600 });
  expect(stored?.opts.removeOnFail).toEqual({ age: 30 * 24 * 3600 });

  completeEveryJob();
  await eventually(async () => (await service.queue.getJobState(jobId)) === 'completed');
  // Six days later, another start completes: BullMQ then removes finished jobs past their age.
  await age(jobId, 6);
  expect((await deliver('six-days-later')).status).toBe(204);
  await eventually(
    async () =>
      (await service.queue.getJobState(startJobId('meeting', 'six-days-later'))) === 'completed',
  );

  const res = await deliver('kept'); // Zoom redelivers the old meeting.started
  expect(res.status).toBe(204);
  const outcomes = service.logs.lines
    .filter((l) => l.msg === 'webhook handled')
    .map((l) => l.outcome);
  expect(outcomes.at(-1)).toBe('duplicate');
  expect(await service.queue.getJobState(jobId)).toBe('completed'); // no second start job
  expect(await service.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);

  // Past 7 days the same clean-up does remove it: the aging above is what BullMQ goes by.
  await age(jobId, 8);
  expect((await deliver('eight-days-later')).status).toBe(204);
  await eventually(async () => (await service.queue.getJob(jobId)) === undefined);
});
