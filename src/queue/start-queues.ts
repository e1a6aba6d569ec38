import type { Queue, Telemetry } from 'bullmq';
import type { StartJobData } from '../domain/start-job';
import type { Logger } from '../logging/create-logger';
import type { RedisConnection } from '../redis/connect';
import { createShardMap, shardPrefix, type ShardMap } from './shards';
import { createStartQueue } from './start-queue';

/** The start queues of every shard, opened as they are first needed, on one connection. */
export interface StartQueues {
  shardMap: ShardMap;
  /** The queue of the account's shard (see `createShardMap`). */
  forAccount(account: string): Promise<Queue<StartJobData>>;
  /** The queue of shard `shard`. */
  forShard(shard: number): Queue<StartJobData>;
  /** Every shard's queue that holds, or may hold, starts. */
  all(): Promise<Queue<StartJobData>[]>;
  /** The queues opened so far. */
  opened(): Queue<StartJobData>[];
  close(): Promise<void>;
}

export interface StartQueuesOptions {
  connection: RedisConnection;
  prefix: string;
  shards: number;
  log: Logger;
  logRepeatIntervalMs?: number;
  telemetry?: Telemetry;
}

export function createStartQueues(options: StartQueuesOptions): StartQueues {
  const shardMap = createShardMap(options.connection, options.prefix, options.shards);
  const queues = new Map<number, Queue<StartJobData>>();
  const forShard = (shard: number): Queue<StartJobData> => {
    let queue = queues.get(shard);
    if (!queue) {
      queue = createStartQueue(
        options.connection,
        shardPrefix(options.prefix, shard),
        options.log,
        options.logRepeatIntervalMs,
        options.telemetry,
      );
      queues.set(shard, queue);
    }
    return queue;
  };
  return {
    shardMap,
    forShard,
    forAccount: async (account) => forShard(await shardMap.shardOf(account)),
    all: async () => (await shardMap.shards()).map(forShard),
    opened: () => [...queues.values()],
    close: async () => {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
