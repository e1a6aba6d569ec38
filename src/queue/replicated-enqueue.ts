import type { Queue } from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import { replicatedWrite } from '../redis/replication';
import { enqueueStart, recordInstanceFact, type EnqueueResult } from './start-queue';
import type { StartQueues } from './start-queues';
import { accountOf, DEFAULT_ACCOUNT } from '../domain/account';
import type { EventKind, StartJobData } from '../domain/start-job';
import type { InstanceFact } from '../domain/instance-facts';

/** The queue operations the webhook receiver needs; Redis-backed in production. */
export interface StartJobs {
  /** Stores the start of `data.account` (the default account when absent). */
  enqueueStart: (data: StartJobData) => Promise<EnqueueResult>;
  /** Records a fact about `account`'s instance (default: the default account). */
  recordFact: (
    kind: EventKind,
    uuid: string,
    fact: InstanceFact,
    at: number,
    account?: string,
  ) => Promise<{ jobId: string; found: boolean }>;
}

/** How many replicas must hold a webhook's write (`REDIS_MIN_REPLICAS_ACK`), and how long to wait. */
export interface ReplicaWait {
  /** The connection the writes are made on: `WAIT` counts that connection's writes. */
  connection: RedisConnection;
  /** A key of the queue: on a cluster, `WAIT` goes to the master of its slot. */
  key: string;
  replicas: number;
  /** The webhook's Redis budget; the `WAIT` gets what the write left of it. */
  budgetMs: number;
}

/** The receiver's operations straight on the queue, without waiting for replicas. */
export function queueJobs(queue: Queue<StartJobData>): StartJobs {
  return {
    enqueueStart: (data) => enqueueStart(queue, data),
    recordFact: (kind, uuid, fact, at, account = DEFAULT_ACCOUNT) =>
      recordInstanceFact(queue, kind, uuid, fact, at, undefined, account),
  };
}

/**
 * Each write counts only once `wait.replicas` replicas hold it (Redis `WAIT`), so a failover
 * cannot lose a start Zoom was told is stored; fewer in time fails the write.
 */
export function replicatedJobs(jobs: StartJobs, wait: ReplicaWait): StartJobs {
  const replicated = <T>(write: () => Promise<T>): Promise<T> => replicatedWrite(write, wait);
  return {
    enqueueStart: (data) => replicated(() => jobs.enqueueStart(data)),
    recordFact: (kind, uuid, fact, at, account) =>
      replicated(() => jobs.recordFact(kind, uuid, fact, at, account)),
  };
}

/** The receiver's operations as the service runs them: on `queue`, then `WAIT` for replicas. */
export function createReplicatedJobs(
  queue: Queue<StartJobData>,
  wait: Omit<ReplicaWait, 'key'>,
): StartJobs {
  return replicatedJobs(queueJobs(queue), { ...wait, key: queue.toKey('') });
}

/**
 * The receiver's operations over every shard: each write goes to the queue of its account's
 * shard, and its `WAIT` to the master that holds that shard's slot (on a cluster the shards are
 * on different masters, and `WAIT` counts only the writes made on the connection it is sent on).
 */
export function createShardedJobs(
  queues: Pick<StartQueues, 'forAccount'>,
  wait: Omit<ReplicaWait, 'key'>,
): StartJobs {
  const byQueue = new Map<Queue<StartJobData>, StartJobs>();
  const jobsOf = async (account: string): Promise<StartJobs> => {
    const queue = await queues.forAccount(account);
    let jobs = byQueue.get(queue);
    if (!jobs) {
      jobs = createReplicatedJobs(queue, wait);
      byQueue.set(queue, jobs);
    }
    return jobs;
  };
  return {
    enqueueStart: async (data) => (await jobsOf(accountOf(data))).enqueueStart(data),
    recordFact: async (kind, uuid, fact, at, account = DEFAULT_ACCOUNT) =>
      (await jobsOf(account)).recordFact(kind, uuid, fact, at, account),
  };
}
