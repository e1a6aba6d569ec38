import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { StartJobData } from '../../src/domain/start-job';
import { listMeetingPage } from '../../src/status/meeting-page';
import { redisUrl, uniquePrefix } from '../support/redis';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

/** A job's hash as BullMQ keeps it (the fields a status reads). */
const jobHash = (id: string, meetingId: string, receivedAt: number) => ({
  name: 'start-livestream',
  data: JSON.stringify({ kind: 'meeting', meetingId, uuid: id, receivedAt, topic: 'Town hall' }),
  timestamp: String(receivedAt),
});

/**
 * A queue whose jobs move while the list reads it: `moving` is read in the active list and
 * again in the delayed set, as a job that was retried between two reads of its state would be.
 */
async function queueWithAMovingJob(): Promise<Queue<StartJobData>> {
  const prefix = uniquePrefix();
  const key = (k: string) => `${prefix}:livestream:${k}`;
  await redis.hset(key('moving'), jobHash('moving', '85030000001', 2));
  await redis.hset(key('other'), jobHash('other', '85030000002', 1));
  await redis.lpush(key('active'), 'moving');
  await redis.zadd(key('delayed'), 1, 'moving', 2, 'other');
  return {
    toKey: key,
    backend: { connection: { client: Promise.resolve(redis) } },
  } as unknown as Queue<StartJobData>;
}

describe('the meetings list', () => {
  it('shows a job that moved between two reads once, in its newer state', async () => {
    const page = await listMeetingPage([await queueWithAMovingJob()], { offset: 0, limit: 50 });
    expect(page.rows.map((r) => [r.meetingId, r.state])).toEqual([
      ['85030000001', 'waiting'],
      ['85030000002', 'waiting'],
    ]);
    expect(page.total).toBe(2);
  });
});
