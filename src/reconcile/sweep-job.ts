import type { Job } from 'bullmq';
import type { Logger } from '../logging/create-logger';
import type { RedisConnection } from '../redis/connect';
import type { SweepReport } from './sweep-types';

/** The running sweep's lock, renewed every third of it while the sweep runs. */
const SWEEP_LOCK_MS = 10_000;

export interface SweepJobOptions {
  connection: RedisConnection;
  /** The lock key held while a sweep runs. */
  running: string;
  /** The key set after a 429 with Retry-After: no sweep while it exists. */
  backoff: string;
  sweep: () => Promise<SweepReport>;
  log: Logger;
  onSweep?: (report: SweepReport, durationMs: number) => void;
}

export interface SweepJob {
  /** The reconcile worker's processor: one sweep per job, unless skipped. */
  process(job: Job): Promise<SweepReport | { skipped: string }>;
  /** No new sweep from now on (the service is shutting down). */
  stop(): void;
  /** Stops renewing the running sweep's lock (the sweep was cut off). */
  cutOff(): void;
}

/**
 * One reconcile job: skipped while shutting down, while a 429's backoff holds, or while the
 * previous sweep still holds the lock; otherwise it sweeps under the lock, renewed as it goes, so
 * a worker that dies mid-sweep blocks the next sweeps for one lock time at most.
 */
export function createSweepJob(options: SweepJobOptions): SweepJob {
  const { connection, running, backoff, log } = options;
  let stopping = false;
  /** Renews the running sweep's lock; cleared when the sweep ends or is cut off. */
  let renew: NodeJS.Timeout | undefined;
  return {
    async process(job) {
      if (stopping) return { skipped: 'shutdown' };
      if ((await connection.exists(backoff)) === 1) return { skipped: 'rate_limited' };
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
    stop() {
      stopping = true;
    },
    cutOff() {
      clearInterval(renew);
    },
  };
}
