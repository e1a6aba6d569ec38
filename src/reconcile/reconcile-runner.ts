import { Queue, Worker, type Job } from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import { DeadlineError, withDeadline } from '../redis/connections';
import type { Logger } from '../logging/create-logger';
import { createLogThrottle } from '../logging/log-throttle';
import { workerCloser } from '../queue/worker-closer';
import { createSweepJob, type SweepJob, type SweepOutcome } from './sweep-job';
import { accountScoped, type SweepReport } from './sweep-types';

export const RECONCILE_QUEUE = 'reconcile';
export const SWEEP_SCHEDULER = 'sweep';
/** The job of one account's sweep, added by each scheduler tick (`sweep`) for every account. */
export const ACCOUNT_SWEEP_JOB = 'account-sweep';
/** Account sweeps one process runs side by side (they mostly wait on Zoom and the pacer). */
const SWEEP_CONCURRENCY = 8;

export interface ReconcileRunnerOptions {
  connection: RedisConnection;
  prefix: string;
  /** 0 removes the scheduler: no sweep anywhere in the deployment. */
  intervalMs: number;
  /** The accounts served now: each tick sweeps these. */
  accounts: () => readonly string[];
  /** The account's sweep; undefined once the account is no longer served. */
  sweepOf: (account: string) => Promise<(() => Promise<SweepReport>) | undefined>;
  log: Logger;
  /** How long `close` waits for a sweep under way. */
  shutdownTimeoutMs: number;
  onSweep?: (report: SweepReport, durationMs: number, account: string) => void;
  /** A repeating queue or worker error is logged once per this long, with a count. */
  logRepeatIntervalMs?: number;
  /** The clock of that throttle. */
  now?: () => number;
}

/**
 * Runs each account's sweep once per interval across the deployment: a BullMQ job scheduler on a
 * queue of its own makes one tick per interval (every worker upserts the same scheduler; BullMQ
 * names each iteration's job by its due time, so they add one job, not one each). Whichever
 * worker takes the tick adds one job per account it serves, so the next tick follows the accounts
 * in force, and the account jobs run side by side, on this worker and on others. An account's
 * sweep that outlasts its interval holds the account's lock, so its next one is skipped instead
 * of running alongside; after a list call's 429 with Retry-After, that account's sweeps pause
 * until then. Neither touches another account's sweep.
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
    keys: (account) => ({
      running: `${prefix}:${RECONCILE_QUEUE}:${accountScoped(account, 'running')}`,
      backoff: `${prefix}:${RECONCILE_QUEUE}:${accountScoped(account, 'backoff')}`,
    }),
    sweepOf: options.sweepOf,
    log,
    ...(options.onSweep && { onSweep: options.onSweep }),
  });
  const worker = new Worker(
    RECONCILE_QUEUE,
    (job) => processJob(job, queue, sweepJob, options.accounts),
    { connection, prefix, concurrency: SWEEP_CONCURRENCY },
  );
  const logWorkerError = createLogThrottle(log, options.logRepeatIntervalMs, {
    level: 'warn',
    ...clock,
  });
  worker.on('error', (err) => logWorkerError('reconcile worker error', err));
  log.info({ intervalMs: options.intervalMs }, 'reconciliation on');
  return runnerHandle(sweepJob, workerCloser(worker), queue, options.shutdownTimeoutMs);
}

/**
 * A scheduler tick adds one sweep job per account (its id names the tick, so a tick taken up
 * again adds nothing twice); an account's job sweeps it. The release before accounts made only
 * ticks, under the same scheduler: an upgraded deployment keeps its scheduler and its keys.
 */
async function processJob(
  job: Job,
  queue: Queue,
  sweepJob: SweepJob,
  accounts: () => readonly string[],
): Promise<SweepOutcome | { accounts: number }> {
  const lock = job.id ?? '1';
  if (job.name === ACCOUNT_SWEEP_JOB)
    return sweepJob.process((job.data as { account: string }).account, lock);
  const tick = lock.replace(/:/g, '.');
  const names = accounts();
  await queue.addBulk(
    names.map((account) => ({
      name: ACCOUNT_SWEEP_JOB,
      data: { account },
      opts: { jobId: `${account}.${tick}`, removeOnComplete: 100, removeOnFail: 100 },
    })),
  );
  return { accounts: names.length };
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
