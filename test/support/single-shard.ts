import type { Queue } from 'bullmq';
import type { StartJobData } from '../../src/domain/start-job';
import type { StartQueues } from '../../src/queue/start-queues';

/** One queue as the start queues of a deployment with one shard (closed by its owner). */
export function singleShard(queue: Queue<StartJobData>): StartQueues {
  return {
    shardMap: { shardOf: () => Promise.resolve(0), shards: () => Promise.resolve([0]) },
    forAccount: () => Promise.resolve(queue),
    forShard: () => queue,
    all: () => Promise.resolve([queue]),
    opened: () => [queue],
    close: () => Promise.resolve(),
  };
}
