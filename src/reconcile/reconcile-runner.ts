import { Queue, Worker } from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import { DeadlineError, withDeadline } from '../redis/connections';
import type { Logger } from '../logging/create-logger';
import { createLogThrottle } from '../logging/log-throttle';
import { workerCloser } from '../queue/worker-closer';
import { createSweepJob, type SweepJob } from './sweep-job';
import type { SweepReport } from './sweep-types';

export const RECONCILE_QUEUE = 'reconcile';
export const SWEEP_SCHEDULER = 'sweep';

export interface ReconcileRunnerOptions {
  connection: RedisConnection;
  prefix: string;
  /** 0 removes the scheduler: no sweep anywhere in the deployment. */
  intervalMs: number;
  sweep: () => Promise<SweepReport>;
  log: Logger;
  /** How long `close` waits for a sweep under way. */
  shutdownTimeoutMs: number;
  onSweep?: (report: SweepReport, durationMs: number) => void;
  /** A repeating queue or worker error is logged once per this long, with a count. */
  logRepeatIntervalMs?: number;
  /** The clock of that throttle. */
  now?: () => number;
}

/**
 * Runs the sweep once per interval across the deployment: a BullMQ job scheduler on a queue of
 * its own makes one job per interval (every worker upserts the same scheduler; BullMQ names each
 * iteration's job by its due time, so they add one job, not one each), and whichever worker takes
 * the job sweeps. A sweep that outlasts its interval holds a lock, so the next one waits its turn
 * instead of running alongside. After a list call's 429 with Retry-After, sweeps pause until then.
 */
export async function startReconcileRunner(
  options: ReconcileRunnerOptions,
): Promise<ReconcileRunner> {
  const { connection, prefix, log } = options;
  const queue = new Queue(RECONCILE_QUEUE, { connection, prefix });
  // A Redis outage repeats the same errors many times a second: each once per interval, counted.
  const clock = options.now && { now: options.now };
  const logQueueError = createLogThrottle(log, options.logRepeatIntervalMs, {
    level: 'debug',
    ...clock,
  });
  queue.on('error', (err) => logQueueError('queue error', err));
  if (options.intervalMs === 0) {
    await queue.removeJobScheduler(SWEEP_SCHEDULER);
    await queue.close();
    log.info('reconciliation off (RECONCILE_INTERVAL_MS=0)');
    return { close: () => Promise.resolve(), abort: () => Promise.resolve() };
  }
  await queue.upsertJobScheduler(
    SWEEP_SCHEDULER,
    { every: options.intervalMs },
    { name: 'sweep', opts: { removeOnComplete: 100, removeOnFail: 100 } },
  );
  const sweepJob = createSweepJob({
    connection,
    running: `${prefix}:${RECONCILE_QUEUE}:running`,
    backoff: `${prefix}:${RECONCILE_QUEUE}:backoff`,
    sweep: options.sweep,
    log,
    ...(options.onSweep && { onSweep: options.onSweep }),
  });
  const worker = new Worker(RECONCILE_QUEUE, (job) => sweepJob.process(job), {
    connection,
    prefix,
    concurrency: 1,
  });
  const logWorkerError = createLogThrottle(log, options.logRepeatIntervalMs, {
    level: 'warn',
    ...clock,
  });
  worker.on('error', (err) => logWorkerError('reconcile worker error', err));
  log.info({ intervalMs: options.intervalMs }, 'reconciliation on');
  return runnerHandle(sweepJob, workerCloser(worker), queue, options.shutdownTimeoutMs);
}

interface ReconcileRunner {
  close: () => Promise<void>;
  abort: () => Promise<unknown>;
}

function runnerHandle(
  sweepJob: SweepJob,
  closer: ReturnType<typeof workerCloser>,
  queue: Queue,
  shutdownTimeoutMs: number,
): ReconcileRunner {
  return {
    // A sweep under way is waited for, the queue's close too, both within shutdownTimeoutMs.
    close: async () => {
      sweepJob.stop();
      const closing = Promise.all([closer.close(), queue.close()]);
      await withDeadline(closing, shutdownTimeoutMs).catch((err: unknown) => {
        if (!(err instanceof DeadlineError)) throw err;
      });
    },
    /** Closes the sweep's worker with `force` and cuts the queue's connection off. */
    abort: () => {
      sweepJob.cutOff();
      return Promise.allSettled([closer.abort(), queue.disconnect()]);
    },
  };
}
