import { DEFAULT_ACCOUNT } from '../domain/account';
import { hashTag } from '../domain/hash-tag';
import type { RedisConnection } from '../redis/connect';

/**
 * The key prefix of shard `shard`. Shard 0 is `QUEUE_PREFIX` itself (where every start lived
 * before shards existed); shard N puts `-sN` inside the prefix's hash tag (`{zlw}` → `{zlw-s1}`),
 * so a Redis Cluster places each shard's keys in a slot of their own, or after a prefix without one.
 */
export function shardPrefix(prefix: string, shard: number): string {
  if (shard === 0) return prefix;
  const tag = hashTag(prefix);
  if (tag === undefined) return `${prefix}-s${shard}`;
  return prefix.replace(`{${tag}}`, `{${tag}-s${shard}}`);
}

/** Where an account is placed the first time it is seen: FNV-1a of its name, modulo the shards. */
export function initialShard(account: string, shards: number): number {
  if (account === DEFAULT_ACCOUNT) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < account.length; i++) {
    hash ^= account.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** Which shard holds each account's starts. */
export interface ShardMap {
  /** The account's shard: the one recorded for it, or its initial shard, recorded now. */
  shardOf(account: string): Promise<number>;
  /** Every shard that holds, or may hold, starts: 0 … QUEUE_SHARDS-1 and every recorded one. */
  shards(): Promise<number[]>;
}

/**
 * An account's shard is chosen once, the first time any process sees the account, and recorded
 * in Redis (`HSETNX`, so processes that race agree on the first answer); it never changes after.
 * So changing `QUEUE_SHARDS` places only accounts seen from then on, and no waiting start is ever
 * in a shard its account does not map to: nothing is lost (every process consumes every recorded
 * shard) and nothing is duplicated (redeliveries deduplicate in the one shard). A recorded shard
 * never changes, so each process keeps what it read.
 */
export function createShardMap(
  redis: RedisConnection,
  prefix: string,
  shardCount: number,
): ShardMap {
  const key = `${prefix}:accounts:shard`;
  const known = new Map<string, number>([[DEFAULT_ACCOUNT, 0]]);
  return {
    async shardOf(account) {
      const cached = known.get(account);
      if (cached !== undefined) return cached;
      const wanted = initialShard(account, shardCount);
      const [, recorded] = (await redis
        .multi()
        .hsetnx(key, account, String(wanted))
        .hget(key, account)
        .exec()
        .then((rows) =>
          (rows ?? []).map(([err, value]) => {
            if (err) throw err;
            return value;
          }),
        )) as [unknown, string | null];
      const shard = recorded === null ? wanted : Number(recorded);
      known.set(account, shard);
      return shard;
    },
    async shards() {
      const recorded = (await redis.hvals(key)).map(Number).filter(Number.isInteger);
      const all = new Set([...Array.from({ length: shardCount }, (_, i) => i), ...recorded]);
      return [...all].sort((a, b) => a - b);
    },
  };
}
