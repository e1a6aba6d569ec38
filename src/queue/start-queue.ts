import {
  Job,
  Queue,
  SpanKind,
  TelemetryAttributes,
  type JobsOptions,
  type RedisClient,
  type Telemetry,
} from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import type { Logger } from '../logging/create-logger';
import { createLogThrottle } from '../logging/log-throttle';
import { startJobId, type EventKind, type StartJobData } from '../domain/start-job';
import { accountOf, DEFAULT_ACCOUNT } from '../domain/account';
import {
  parseInstanceFacts,
  type InstanceFact,
  type InstanceFacts,
} from '../domain/instance-facts';

/** BullMQ's client type declares only the pipeline commands BullMQ itself uses; we need EXPIRE. */
type Pipeline = ReturnType<RedisClient['pipeline']> & {
  expire(key: string, seconds: number): unknown;
};

export const LIVESTREAM_QUEUE = 'livestream';
export const START_JOB = 'start-livestream';

/** Finished jobs are kept this long so redeliveries of the same instance still deduplicate. */
const KEEP_COMPLETED_SECONDS = 7 * 24 * 3600;
const KEEP_FAILED_SECONDS = 30 * 24 * 3600;
export const JOB_LOG_LINES = 5;

/**
 * Zoom retries for 85 minutes; jobs live longer than that. `attempts` only covers unexpected
 * errors (our own Redis blips): Zoom's answers are scheduled by the decision function.
 */
export const START_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
  removeOnFail: { age: KEEP_FAILED_SECONDS },
  // The job log holds one line per attempt: the last few are enough to read, and a four-hour
  // wait on 30 s 429s (about 480 attempts) must not cost Redis a line each.
  keepLogs: JOB_LOG_LINES,
};

/** The producer side of the queue. Connection errors are logged by the connection itself. */
export function createStartQueue(
  connection: RedisConnection,
  prefix: string,
  log: Logger,
  logRepeatIntervalMs?: number,
  /** BullMQ's tracing integration, when tracing is on. */
  telemetry?: Telemetry,
): Queue<StartJobData> {
  const queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: START_JOB_OPTIONS,
    ...(telemetry && { telemetry }),
  });
  const logError = createLogThrottle(log, logRepeatIntervalMs, { level: 'debug' });
  queue.on('error', (err) => logError('queue error', err));
  return queue;
}

export interface EnqueueResult {
  jobId: string;
  duplicate: boolean;
}

/**
 * Adds the start job unless this instance already has one, in one round trip: an `EXISTS` and
 * BullMQ's add script are written back to back on the connection before either answer is awaited
 * (Redis answers in order), so we learn whether it was a duplicate without a second exchange. An
 * ioredis pipeline would do the same but copies every BullMQ script onto each pipeline object,
 * which profiling showed costs more than the add. The add itself is idempotent on the job id.
 */
export async function enqueueStart(
  queue: Queue<StartJobData>,
  data: StartJobData,
): Promise<EnqueueResult> {
  const jobId = startJobId(data.kind, data.uuid, accountOf(data));
  // BullMQ's own producer span (a no-op without telemetry); its context rides in the job options
  // so every attempt's span joins the trace of the webhook that enqueued it.
  return queue.trace(
    SpanKind.PRODUCER,
    'add',
    `${queue.name}.${START_JOB}`,
    async (span, metadata) => {
      span?.setAttributes({
        [TelemetryAttributes.JobName]: START_JOB,
        [TelemetryAttributes.JobId]: jobId,
      });
      const opts: JobsOptions = metadata
        ? { ...START_JOB_OPTIONS, jobId, telemetry: { metadata } }
        : { ...START_JOB_OPTIONS, jobId };
      const client = (await queueClient(queue)) as RedisClient & {
        exists(key: string): Promise<number>;
      };
      const existed = client.exists(queue.toKey(jobId));
      const added = new Job(queue, START_JOB, data, opts, jobId).addJob(client);
      const [exists] = await Promise.all([existed, added]);
      return { jobId, duplicate: exists === 1 };
    },
  );
}

/** The Redis client behind a queue (BullMQ 6 keeps it on the queue's Redis backend). */
export function queueClient(queue: Queue): Promise<RedisClient> {
  return queue.backend.connection.client;
}

const FACTS_TTL_SECONDS = 7 * 24 * 3600;

export function instanceFactsKey(queue: Queue, jobId: string): string {
  return queue.toKey(`instance:${jobId}`);
}

/**
 * Records a fact about a meeting instance (`meeting.ended`, `…live_streaming_started`,
 * `…live_streaming_stopped`) and wakes its start job if it sleeps until a retry or a
 * confirmation check, so the worker acts on it now. The worker reads the facts before every Zoom
 * call, so this holds whatever the order in which Zoom's events arrive.
 */
export async function recordInstanceFact(
  queue: Queue<StartJobData>,
  kind: EventKind,
  uuid: string,
  fact: InstanceFact,
  at: number,
  operator?: string,
  account: string = DEFAULT_ACCOUNT,
): Promise<{ jobId: string; found: boolean }> {
  const jobId = startJobId(kind, uuid, account);
  const client = await queueClient(queue);
  const key = instanceFactsKey(queue, jobId);
  const pipeline = client.pipeline() as Pipeline;
  pipeline.hset(key, { [fact]: String(at), ...(operator !== undefined && { operator }) });
  pipeline.expire(key, FACTS_TTL_SECONDS);
  const results = await pipeline.exec();
  for (const [err] of results ?? []) if (err) throw err;
  const job = await queue.getJob(jobId);
  if (!job) return { jobId, found: false };
  if (await job.isDelayed()) {
    // Only fails when a worker took the job meanwhile; it reads the facts itself.
    await job.promote().catch(() => undefined);
  }
  return { jobId, found: true };
}

/** Everything recorded about the instance of `jobId` (empty while nothing happened). */
export async function readInstanceFacts(queue: Queue, jobId: string): Promise<InstanceFacts> {
  const client = await queueClient(queue);
  return parseInstanceFacts(await client.hgetall(instanceFactsKey(queue, jobId)));
}
