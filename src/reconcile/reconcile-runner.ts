import { Queue, Worker } from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import { DeadlineError, withDeadline } from '../redis/connections';
import type { Logger } from '../logging/create-logger';
import { createLogThrottle } from '../logging/log-throttle';
import { workerCloser } from '../queue/worker-closer';
import type { SweepReport } from './sweep-types';

export const RECONCILE_QUEUE = 'reconcile';
export const SWEEP_SCHEDULER = 'sweep';
/** The running sweep's lock, renewed every third of it while the sweep runs. */
const SWEEP_LOCK_MS = 10_000;

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
): Promise<{ close: () => Promise<void>; abort: () => Promise<unknown> }> {
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
  const running = `${prefix}:${RECONCILE_QUEUE}:running`;
  const backoff = `${prefix}:${RECONCILE_QUEUE}:backoff`;
  let stopping = false;
  /** Renews the running sweep's lock; cleared when the sweep ends or is cut off. */
  let renew: NodeJS.Timeout | undefined;
  const worker = new Worker(
    RECONCILE_QUEUE,
    async (job) => {
      if (stopping) return { skipped: 'shutdown' };
      if ((await connection.exists(backoff)) === 1) return { skipped: 'rate_limited' };
      // Held while the sweep runs, renewed as it goes: a worker that dies mid-sweep blocks the
      // next sweeps for one lock time at most.
      if ((await connection.set(running, job.id ?? '1', 'PX', SWEEP_LOCK_MS, 'NX')) !== 'OK')
        return { skipped: 'previous sweep still running' };
      renew = setInterval(
        () => void connection.pexpire(running, SWEEP_LOCK_MS).catch(() => undefined),
        SWEEP_LOCK_MS / 3,
      );
      const began = performance.now();
      try {
        const report = await options.sweep();
        const durationMs = Math.round(performance.now() - began);
        if (report.backoffMs !== undefined && report.backoffMs > 0)
          await connection.set(backoff, '1', 'PX', Math.ceil(report.backoffMs));
        options.onSweep?.(report, durationMs);
        log[report.stoppedBy ? 'warn' : 'info']({ ...report, durationMs }, 'reconcile sweep done');
        return report;
      } finally {
        clearInterval(renew);
        await connection.del(running);
      }
    },
    { connection, prefix, concurrency: 1 },
  );
  const logWorkerError = createLogThrottle(log, options.logRepeatIntervalMs, {
    level: 'warn',
    ...clock,
  });
  worker.on('error', (err) => logWorkerError('reconcile worker error', err));
  const closer = workerCloser(worker);
  log.info({ intervalMs: options.intervalMs }, 'reconciliation on');
  return {
    // A sweep under way is waited for, the queue's close too, both within shutdownTimeoutMs.
    close: async () => {
      stopping = true;
      const closing = Promise.all([closer.close(), queue.close()]);
      await withDeadline(closing, options.shutdownTimeoutMs).catch((err: unknown) => {
        if (!(err instanceof DeadlineError)) throw err;
      });
    },
    /** Closes the sweep's worker with `force` and cuts the queue's connection off. */
    abort: () => {
      clearInterval(renew);
      return Promise.allSettled([closer.abort(), queue.disconnect()]);
    },
  };
}
