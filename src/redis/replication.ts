import { Cluster, type Redis } from 'ioredis';
import { hashTag } from '../domain/hash-tag';
import type { RedisConnection } from './connect';

/** The write was not confirmed by enough replicas in time: the webhook is answered 503. */
export class ReplicationError extends Error {
  override name = 'ReplicationError' as const;
  readonly code = 'NOT_REPLICATED';
  constructor(
    readonly acknowledged: number,
    readonly wanted: number,
  ) {
    super(`write reached ${acknowledged} of ${wanted} replicas in time`);
  }
}

/**
 * Waits (Redis `WAIT`) until every write this connection made so far, the job just stored
 * included, has reached `replicas` replicas, at most `timeoutMs`; throws {@link ReplicationError}
 * otherwise. `WAIT` counts the writes of the connection it is sent on, so on a cluster it goes to
 * the connection the cluster client used for `key`'s slot.
 * @see https://redis.io/docs/latest/commands/wait/
 */
export async function waitForReplicas(
  connection: RedisConnection,
  key: string,
  replicas: number,
  timeoutMs: number,
): Promise<void> {
  const node = connection instanceof Cluster ? await nodeFor(connection, key) : connection;
  // WAIT 0 would block forever: the budget is spent, so ask for an answer now.
  const acknowledged = Number(
    await node.call('WAIT', replicas, Math.max(1, Math.floor(timeoutMs))),
  );
  if (acknowledged < replicas) throw new ReplicationError(acknowledged, replicas);
}

/**
 * Runs a webhook's write; with `replicas` > 0 it counts only once that many replicas hold it
 * (within what is left of the webhook's Redis budget), so a failover cannot lose an acknowledged
 * start. A duplicate waits too: the first delivery may have been answered 503.
 */
export async function replicatedWrite<T>(
  write: () => Promise<T>,
  opts: { connection: RedisConnection; key: string; replicas: number; budgetMs: number },
): Promise<T> {
  const started = Date.now();
  const result = await write();
  if (opts.replicas > 0) {
    const left = opts.budgetMs - (Date.now() - started) - 20;
    await waitForReplicas(opts.connection, opts.key, opts.replicas, left);
  }
  return result;
}

/** Slots by hash tag: the service's keys all share one, so this asks Redis once. */
const slots = new Map<string, number>();

async function nodeFor(cluster: Cluster, key: string): Promise<Redis> {
  const tag = hashTag(key) ?? key;
  let slot = slots.get(tag);
  if (slot === undefined) {
    slot = Number(await cluster.cluster('KEYSLOT', key));
    if (slots.size < 100) slots.set(tag, slot);
  }
  // The client keeps the slot map current (MOVED, failover), so this is the connection it wrote on.
  const master = cluster.slots[slot]?.[0];
  const node = cluster
    .nodes('master')
    .find((n) => `${n.options.host}:${n.options.port}` === master);
  if (!node) throw new Error(`no connection to the master of the slot of ${key}`);
  return node;
}
