import type { Job, JobState, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { StartJobData } from '../../src/domain/start-job';
import { listMeetingPage } from '../../src/status/meeting-page';
import { redisUrl, uniquePrefix } from '../support/redis';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

const job = (id: string, meetingId: string, receivedAt: number) =>
  ({
    id,
    data: { kind: 'meeting', meetingId, uuid: id, receivedAt, topic: 'Town hall' },
    progress: 0,
  }) as unknown as Job<StartJobData>;

/** A queue whose jobs move while the list reads it: `moving` is active, then delayed. */
function queueWithAMovingJob(): Queue<StartJobData> {
  const prefix = uniquePrefix();
  const moving = job('moving', '85030000001', 2);
  const seen: Partial<Record<JobState, Job<StartJobData>[]>> = {
    active: [moving],
    delayed: [moving, job('other', '85030000002', 1)],
  };
  return {
    getJobs: ([state]: JobState[]) => Promise.resolve(seen[state!] ?? []),
    toKey: (k: string) => `${prefix}:livestream:${k}`,
    backend: { connection: { client: Promise.resolve(redis) } },
  } as unknown as Queue<StartJobData>;
}

describe('the meetings list', () => {
  it('shows a job that moved between two reads once, in its newer state', async () => {
    const page = await listMeetingPage(queueWithAMovingJob(), { offset: 0, limit: 50 });
    expect(page.rows.map((r) => [r.meetingId, r.state])).toEqual([
      ['85030000001', 'waiting'],
      ['85030000002', 'waiting'],
    ]);
    expect(page.total).toBe(2);
  });
});
