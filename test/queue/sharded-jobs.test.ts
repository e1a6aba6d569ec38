import { Cluster } from 'ioredis';
import { Redis } from 'ioredis';
import { createShardedJobs } from '../../src/queue/replicated-enqueue';
import { createStartQueues, type StartQueues } from '../../src/queue/start-queues';
import { readInstanceFacts } from '../../src/queue/start-queue';
import { hashTag } from '../../src/domain/hash-tag';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import type { RedisConnection } from '../../src/redis/connect';
import { captureLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';

/**
 * A cluster client as `WAIT` sees it: each hash tag in a slot of its own, each slot on a master of
 * its own (in the order the tags are first asked about), and each master noting the `WAIT`s sent
 * to it. The writes themselves go to the test's Redis.
 */
function fakeCluster() {
  const waits: { master: string; replicas: unknown }[] = [];
  const tags: string[] = [];
  const masters = [0, 1, 2].map((n) => ({
    options: { host: `10.0.0.${n}`, port: 7000 },
    call: async (command: string, replicas: number) => {
      expect(command).toBe('WAIT');
      waits.push({ master: `10.0.0.${n}`, replicas });
      return replicas;
    },
  }));
  const cluster = Object.create(Cluster.prototype) as Record<string, unknown>;
  cluster.cluster = async (_sub: string, key: string) => {
    const tag = hashTag(key)!;
    if (!tags.includes(tag)) tags.push(tag);
    return tags.indexOf(tag);
  };
  cluster.slots = masters.map((m) => [`${m.options.host}:${m.options.port}`]);
  cluster.nodes = () => masters;
  return { connection: cluster as unknown as RedisConnection, waits, tags };
}

const start = (uuid: string, account?: string): StartJobData => ({
  kind: 'meeting',
  meetingId: '85012345678',
  uuid,
  receivedAt: 1,
  source: 'webhook',
  ...(account !== undefined && { account }),
});

let redis: Redis;
let queues: StartQueues;
let prefix: string;
beforeEach(() => {
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  prefix = `{${uniquePrefix()}}`;
  queues = createStartQueues({ connection: redis, prefix, shards: 3, log: captureLog().log });
});
afterEach(async () => {
  await queues.close();
  redis.disconnect();
});

it("stores each account's start and fact in its shard, and sends each WAIT to that shard's master", async () => {
  const { connection, waits, tags } = fakeCluster();
  const jobs = createShardedJobs(queues, { connection, replicas: 1, budgetMs: 2000 });
  // default → shard 0, south → shard 1, north → shard 2 (see initialShard).
  await jobs.enqueueStart(start('u-1'));
  await jobs.enqueueStart(start('u-1', 'south'));
  await jobs.enqueueStart(start('u-1', 'north'));
  await jobs.recordFact('meeting', 'u-1', 'ended', 5, 'north');

  const inner = prefix.slice(1, -1);
  expect(tags).toEqual([inner, `${inner}-s1`, `${inner}-s2`]);
  expect(waits.map((w) => w.master)).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.2']);
  expect(await queues.forShard(0).getJob(startJobId('meeting', 'u-1'))).toBeDefined();
  expect(await queues.forShard(1).getJob(startJobId('meeting', 'u-1', 'south'))).toBeDefined();
  const north = startJobId('meeting', 'u-1', 'north');
  expect(await queues.forShard(2).getJob(north)).toBeDefined();
  expect(await readInstanceFacts(queues.forShard(2), north)).toEqual({ ended: 5 });
});
