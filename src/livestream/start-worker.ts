import { Worker, type Telemetry } from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import type { Logger } from '../logging/create-logger';
import { createLogThrottle } from '../logging/log-throttle';
import { LIVESTREAM_QUEUE } from '../queue/start-queue';
import type { StartJobData } from '../domain/start-job';
import type { StartResult } from '../domain/start-progress';

export interface StartWorkerOptions {
  connection: RedisConnection;
  prefix: string;
  concurrency: number;
  lockDurationMs: number;
  log: Logger;
  /** A repeating worker error is logged once per this long, with a count. */
  logRepeatIntervalMs?: number;
  /** BullMQ's tracing integration, when tracing is on. */
  telemetry?: Telemetry;
  processor: (job: import('bullmq').Job<StartJobData>, token?: string) => Promise<StartResult>;
}

/**
 * The BullMQ worker for start jobs. A job whose worker died is picked up again after the lock
 * expires (stall recovery); a start issued twice is harmless, so a few stalls are allowed.
 */
export function createStartWorker(options: StartWorkerOptions): Worker<StartJobData, StartResult> {
  const worker = new Worker<StartJobData, StartResult>(LIVESTREAM_QUEUE, options.processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.lockDurationMs,
    maxStalledCount: 3,
    ...(options.telemetry && { telemetry: options.telemetry }),
  });
  const logError = createLogThrottle(options.log, options.logRepeatIntervalMs);
  worker.on('error', (err) => logError('worker error', err));
  worker.on('failed', (job, err) => {
    if (err.name === 'UnrecoverableError') return; // already logged with its reason
    options.log.error(
      {
        meetingId: job?.data.meetingId,
        topic: job?.data.topic,
        jobId: job?.id,
        attemptsMade: job?.attemptsMade,
        err: { message: err.message },
      },
      'start job error',
    );
  });
  return worker;
}
