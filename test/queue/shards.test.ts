import { Redis } from 'ioredis';
import { createShardMap, initialShard, shardPrefix } from '../../src/queue/shards';
import { redisUrl, uniquePrefix } from '../support/redis';

describe('queue shards', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('gives shard N its own hash tag, and shard 0 the prefix itself', () => {
    expect(shardPrefix('{zlw}', 0)).toBe('{zlw}');
    expect(shardPrefix('{zlw}', 2)).toBe('{zlw-s2}');
    expect(shardPrefix('app-{zlw}-x', 1)).toBe('app-{zlw-s1}-x');
    expect(shardPrefix('zlw', 1)).toBe('zlw-s1');
  });

  it('keeps the default account on shard 0, where starts lived before shards', () => {
    expect(initialShard('default', 8)).toBe(0);
    const spread = new Set(Array.from({ length: 30 }, (_, i) => initialShard(`acct-${i}`, 3)));
    expect(spread).toEqual(new Set([0, 1, 2]));
  });

  it('keeps an account on the shard it was first given when QUEUE_SHARDS changes', async () => {
    const prefix = uniquePrefix();
    const names = Array.from({ length: 12 }, (_, i) => `acct-${i}`);
    const before = createShardMap(redis, prefix, 1);
    for (const name of names) expect(await before.shardOf(name)).toBe(0);

    // Another process, started with three shards: old accounts stay, new ones spread.
    const after = createShardMap(redis, prefix, 3);
    for (const name of names) expect(await after.shardOf(name)).toBe(0);
    const fresh = Array.from({ length: 12 }, (_, i) => `new-${i}`);
    const placed = await Promise.all(fresh.map((n) => after.shardOf(n)));
    expect(new Set(placed).size).toBeGreaterThan(1);
    expect(placed).toEqual(fresh.map((n) => initialShard(n, 3)));

    // Back to one shard: every shard any account is on is still consumed.
    const back = createShardMap(redis, prefix, 1);
    expect(await back.shards()).toEqual([...new Set([0, ...placed])].sort());
    expect(await back.shardOf('new-0')).toBe(placed[0]);
  });

  it('agrees across processes that race to place the same account', async () => {
    const prefix = uniquePrefix();
    const maps = [2, 3, 5, 7].map((n) => createShardMap(redis, prefix, n));
    const answers = await Promise.all(maps.map((m) => m.shardOf('contested')));
    expect(new Set(answers).size).toBe(1);
  });
});
