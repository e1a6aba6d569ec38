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

/** BullMQ's client type declares only the pipeline commands BullMQ itself uses; we need EXPIRE. */
type Pipeline = ReturnType<RedisClient['pipeline']> & {
  expire(key: string, seconds: number): unknown;
};

export const LIVESTREAM_QUEUE = 'livestream';
export const START_JOB = 'start-livestream';

export type EventKind = 'meeting' | 'webinar';

/**
 * What the worker needs to start one stream: identifiers and the few fields rules and operators
 * read. Never secrets, never the whole webhook payload.
 */
export interface StartJobData {
  kind: EventKind;
  /** Meeting or webinar number as a digit string (used in Zoom API paths). */
  meetingId: string;
  /** Zoom's id of this instance of the meeting. */
  uuid: string;
  topic?: string;
  hostId?: string;
  meetingType?: number;
  /** When we received `meeting.started` (ms); the give-up deadline counts from here. */
  receivedAt: number;
  /** Set by a manual retry: the give-up deadline then counts from here. */
  retriedAt?: number;
  /** What queued it. Jobs stored before `manual` existed say `cli`: read it with {@link startSource}. */
  source: StartSource | 'cli';
}

/** What queued a start: Zoom's webhook, the reconciliation sweep, or an operator (`trigger`). */
export type StartSource = 'webhook' | 'reconcile' | 'manual';

/** The job's source, with the `cli` of older jobs read as `manual`. */
export const startSource = (data: Pick<StartJobData, 'source'>): StartSource =>
  data.source === 'cli' ? 'manual' : data.source;

/** When the give-up deadline starts counting for this job. */
export const deadlineBase = (data: StartJobData): number => data.retriedAt ?? data.receivedAt;

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

/**
 * One job per meeting instance. BullMQ ids may not contain `:` or be all digits, and Zoom uuids
 * can hold `/`, `+` and `=`, so the uuid is base64url-encoded behind a kind prefix.
 */
export function startJobId(kind: EventKind, uuid: string): string {
  return `${kind}-${Buffer.from(uuid, 'utf8').toString('base64url')}`;
}

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
  const jobId = startJobId(data.kind, data.uuid);
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

/**
 * What Zoom told us about one meeting instance after it started (`ended`, `live`, `stopped`), and
 * what an operator decided (`cancelled`: start it no more; `operatorStopped`: stopped by hand).
 */
export type InstanceFact = 'ended' | 'live' | 'stopped' | 'cancelled' | 'operatorStopped';
const FACTS = ['ended', 'live', 'stopped', 'cancelled', 'operatorStopped'] as const;
export type InstanceFacts = Partial<Record<InstanceFact, number>> & {
  /** Who recorded the operator's fact (the OS user of the CLI). */
  operator?: string;
};

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
): Promise<{ jobId: string; found: boolean }> {
  const jobId = startJobId(kind, uuid);
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

/** The facts stored in one instance's hash (as HGETALL answers it). */
export function parseInstanceFacts(raw: Record<string, string>): InstanceFacts {
  const facts: InstanceFacts = {};
  for (const fact of FACTS) {
    const value = raw[fact];
    if (value !== undefined) facts[fact] = Number(value);
  }
  if (raw.operator !== undefined) facts.operator = raw.operator;
  return facts;
}
