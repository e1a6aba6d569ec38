import type { Queue } from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import { replicatedWrite } from '../redis/replication';
import { enqueueStart, recordInstanceFact, type EnqueueResult } from './start-queue';
import type { EventKind, StartJobData } from '../domain/start-job';
import type { InstanceFact } from '../domain/instance-facts';

/** The queue operations the webhook receiver needs; Redis-backed in production. */
export interface StartJobs {
  enqueueStart: (data: StartJobData) => Promise<EnqueueResult>;
  recordFact: (
    kind: EventKind,
    uuid: string,
    fact: InstanceFact,
    at: number,
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
    recordFact: (kind, uuid, fact, at) => recordInstanceFact(queue, kind, uuid, fact, at),
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
    recordFact: (kind, uuid, fact, at) => replicated(() => jobs.recordFact(kind, uuid, fact, at)),
  };
}

/** The receiver's operations as the service runs them: on `queue`, then `WAIT` for replicas. */
export function createReplicatedJobs(
  queue: Queue<StartJobData>,
  wait: Omit<ReplicaWait, 'key'>,
): StartJobs {
  return replicatedJobs(queueJobs(queue), { ...wait, key: queue.toKey('') });
}
