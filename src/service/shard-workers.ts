import type { Queue, Worker } from 'bullmq';
import type { Config } from '../config/load-config';
import type { StartJobData } from '../domain/start-job';
import type { StartProcessor } from '../livestream/account-dispatch';
import { createStartWorker } from '../livestream/start-worker';
import type { Logger } from '../logging/create-logger';
import type { StartQueues } from '../queue/start-queues';
import type { RedisConnection } from '../redis/connect';
import { workerCloser } from '../queue/worker-closer';
import { bullmqTelemetry, type Tracing } from '../telemetry/tracing';
import type { Closer } from './shutdown';

export interface ShardWorkersDeps {
  config: Config;
  /** The worker's own connection (it waits out a Redis outage). */
  connection: RedisConnection;
  /** The start queues over that connection. */
  queues: StartQueues;
  /** The processor of one shard's queue. */
  processorFor: (queue: Queue<StartJobData>) => StartProcessor;
  /** Called with each worker as it starts (metrics). */
  onWorker: (worker: Worker) => void;
  log: Logger;
  tracing: Tracing;
}

export interface ShardWorkers {
  /** The workers running, one per shard. */
  workers(): Worker[];
  /** Starts a worker for each shard that has none yet (a shard another process recorded). */
  consumeNewShards(): Promise<void>;
  /** Closes them all (polite: jobs in flight first), as one closer. */
  closer: Omit<Closer, 'name'>;
}

/** How many jobs each shard's worker takes at once: `WORKER_CONCURRENCY` ÷ shards, rounded up. */
export function shardConcurrency(config: Pick<Config, 'worker' | 'redis'>): number {
  return Math.max(1, Math.ceil(config.worker.concurrency / Math.max(1, config.redis.queueShards)));
}

/**
 * One BullMQ worker per shard queue, each taking `WORKER_CONCURRENCY` ÷ shards jobs at once (so
 * the process takes about `WORKER_CONCURRENCY` in all). Shards are every configured one plus every
 * shard an account was ever placed in (see `createShardMap`): no waiting start is left unconsumed.
 */
export async function startShardWorkers(deps: ShardWorkersDeps): Promise<ShardWorkers> {
  const { config } = deps;
  const running = new Map<string, { worker: Worker; closer: ReturnType<typeof workerCloser> }>();
  const perShard = shardConcurrency(config);
  let closing = false;
  const consume = async (): Promise<void> => {
    for (const queue of await deps.queues.all()) {
      if (closing || running.has(queue.qualifiedName)) continue;
      const worker = createStartWorker({
        connection: deps.connection,
        prefix: queue.opts.prefix ?? config.redis.queuePrefix,
        concurrency: perShard,
        lockDurationMs: config.worker.lockDurationMs,
        log: deps.log,
        logRepeatIntervalMs: config.logRepeatIntervalMs,
        ...bullmqTelemetry(deps.tracing),
        processor: deps.processorFor(queue),
      });
      deps.onWorker(worker);
      running.set(queue.qualifiedName, { worker, closer: workerCloser(worker) });
    }
  };
  await consume();
  const all = () => [...running.values()];
  return {
    workers: () => all().map((r) => r.worker),
    consumeNewShards: consume,
    closer: {
      close: async () => {
        closing = true;
        await Promise.all(all().map((r) => r.closer.close()));
      },
      abort: async () => {
        closing = true;
        await Promise.all(all().map((r) => r.closer.abort()));
      },
    },
  };
}
