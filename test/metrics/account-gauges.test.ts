import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/logging/create-logger';
import { createMetrics } from '../../src/metrics/metrics';
import { enqueueStart } from '../../src/queue/start-queue';
import { createStartQueues, type StartQueues } from '../../src/queue/start-queues';
import { startJobId } from '../../src/domain/start-job';
import { redisUrl, uniquePrefix } from '../support/redis';

let redis: Redis;
let queues: StartQueues;
beforeAll(async () => {
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  queues = createStartQueues({
    connection: redis,
    prefix: uniquePrefix(),
    shards: 2,
    log: createLogger('silent'),
  });
  // a (shard 0): two waiting starts, the older queued a minute ago, and one failed; b (shard 1):
  // one waiting start. `evil` is no account of the deployment (its name could have come from
  // outside): its start in shard 0 is counted nowhere.
  const add = async (account: string, uuid: string) =>
    enqueueStart(await queues.forAccount(account), {
      kind: 'meeting',
      meetingId: '85012345678',
      uuid,
      receivedAt: Date.now(),
      source: 'webhook',
      account,
    });
  await add('a', 'a-1');
  await add('a', 'a-2');
  await add('b', 'b-1');
  await add('evil', 'x');
  const shard0 = queues.forShard(0);
  await redis.hset(
    shard0.toKey(startJobId('meeting', 'a-1', 'a')),
    'timestamp',
    Date.now() - 60_000,
  );
  await redis.zadd(shard0.toKey('failed'), Date.now(), startJobId('meeting', 'a-gone', 'a'));
  await redis.lpush(shard0.toKey('wait'), 'in"jected{label}.meeting-eA');
});
afterAll(async () => {
  await queues.close();
  redis.disconnect();
});

const series = (text: string, name: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`))
      .map((l) => [l.slice(name.length, l.lastIndexOf(' ')), Number(l.split(' ').at(-1))]),
  );

it('reports every shard per account, labelled only with the names of the accounts served', async () => {
  const metrics = createMetrics();
  let served = ['a', 'b'];
  metrics.watchStarts({ queues: () => queues.all(), accounts: () => served });
  const scripts = jest.spyOn(redis, 'eval');
  const text = await metrics.registry.metrics();
  // One script per shard for both gauges.
  expect(scripts).toHaveBeenCalledTimes(2);
  scripts.mockRestore();
  expect(series(text, 'zlw_jobs')).toEqual({
    '{account="a",state="waiting"}': 2,
    '{account="a",state="delayed"}': 0,
    '{account="a",state="active"}': 0,
    '{account="a",state="failed"}': 1,
    '{account="b",state="waiting"}': 1,
    '{account="b",state="delayed"}': 0,
    '{account="b",state="active"}': 0,
    '{account="b",state="failed"}': 0,
  });
  const ages = series(text, 'zlw_oldest_waiting_start_age_seconds');
  expect(Object.keys(ages)).toEqual(['{account="a"}', '{account="b"}']);
  expect(ages['{account="a"}']).toBeGreaterThanOrEqual(60);
  expect(ages['{account="b"}']).toBeLessThan(60);
  expect(text).not.toMatch(/evil|injected/);
  // Our metrics pass Prometheus' own check (Node's default metrics have lint notes of their own).
  const ours = text.split('\n').filter((l) => /^(# (HELP|TYPE) )?zlw_/.test(l));
  execFileSync('promtool', ['check', 'metrics'], { input: `${ours.join('\n')}\n` });

  // A start that fails, and a failed one retried, count at the next scrape (the failed set is
  // walked again only when it changed).
  const failed = (shard: number) => queues.forShard(shard).toKey('failed');
  await redis.zadd(failed(1), Date.now(), startJobId('meeting', 'b-1', 'b'));
  await redis.zrem(failed(0), startJobId('meeting', 'a-gone', 'a'));
  const changed = series(await metrics.registry.metrics(), 'zlw_jobs');
  expect(changed).toMatchObject({
    '{account="a",state="failed"}': 0,
    '{account="b",state="failed"}': 1,
  });

  // An account removed from the file stops being reported at the next scrape.
  served = ['a'];
  const after = await metrics.registry.metrics();
  expect(Object.keys(series(after, 'zlw_oldest_waiting_start_age_seconds'))).toEqual([
    '{account="a"}',
  ]);
  expect(after).not.toContain('account="b"');
});
