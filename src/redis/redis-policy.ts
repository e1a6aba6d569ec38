import { Cluster } from 'ioredis';
import type { RedisConnection } from './connect';

/** Thrown at start-up when Redis may evict keys: BullMQ would silently lose jobs. */
export class EvictionPolicyError extends Error {
  override name = 'EvictionPolicyError' as const;
  readonly code = 'REDIS_EVICTION_POLICY';
  constructor(readonly policy: string) {
    super(
      `Redis maxmemory-policy is "${policy}", which lets Redis delete queued jobs under memory pressure. ` +
        'Set it to noeviction (redis.conf: maxmemory-policy noeviction, or CONFIG SET maxmemory-policy noeviction).',
    );
  }
}

/**
 * Refuses to run on a Redis that may evict keys.
 * @see https://docs.bullmq.io/guide/going-to-production#max-memory-policy
 */
export async function assertNoEviction(redis: RedisConnection): Promise<void> {
  const policy = await evictionPolicy(redis);
  if (policy !== undefined && policy !== 'noeviction') throw new EvictionPolicyError(policy);
}

/** Redis' `maxmemory-policy`, from `INFO memory` (allowed where `CONFIG GET` is not, as on managed Redis). */
export async function evictionPolicy(redis: RedisConnection): Promise<string | undefined> {
  // On a cluster every master holds part of the keys: the first one that may evict counts.
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  let found: string | undefined;
  for (const node of nodes) {
    const policy = /^maxmemory_policy:(\S+)/m.exec(await node.info('memory'))?.[1];
    if (policy !== undefined && policy !== 'noeviction') return policy;
    found ??= policy;
  }
  return found;
}
