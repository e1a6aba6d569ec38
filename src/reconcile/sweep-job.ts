import type { Logger } from '../logging/create-logger';
import type { RedisConnection } from '../redis/connect';
import type { SweepReport } from './sweep-types';

/** The running sweep's lock, renewed every third of it while the sweep runs. */
const SWEEP_LOCK_MS = 10_000;

/** The Redis keys of one account's sweeps. */
export interface SweepKeys {
  /** The lock key held while the account's sweep runs. */
  running: string;
  /** The key set after a 429 with Retry-After: no sweep of the account while it exists. */
  backoff: string;
}

export interface SweepJobOptions {
  connection: RedisConnection;
  keys: (account: string) => SweepKeys;
  /** The account's sweep; undefined when the account is no longer served. */
  sweepOf: (account: string) => Promise<(() => Promise<SweepReport>) | undefined>;
  log: Logger;
  onSweep?: (report: SweepReport, durationMs: number, account: string) => void;
}

export type SweepOutcome = SweepReport | { skipped: string };

export interface SweepJob {
  /** One sweep of `account` under its lock, unless skipped. */
  process(account: string, lockValue: string): Promise<SweepOutcome>;
  /** No new sweep from now on (the service is shutting down). */
  stop(): void;
  /** Stops renewing the running sweeps' locks (the sweeps were cut off). */
  cutOff(): void;
}

/**
 * One account's sweep: skipped while shutting down, while the account's 429 backoff holds, while
 * the account's previous sweep still holds its lock, or when the account is gone; otherwise it
 * sweeps under the lock, renewed as it goes, so a worker that dies mid-sweep blocks that
 * account's next sweeps for one lock time at most. Locks and backoffs are per account: one
 * account's slow or rate-limited sweep never holds back another's.
 */
export function createSweepJob(options: SweepJobOptions): SweepJob {
  const { connection, log } = options;
  let stopping = false;
  /** Renew the running sweeps' locks; each cleared when its sweep ends or is cut off. */
  const renewing = new Set<NodeJS.Timeout>();
  return {
    async process(account, lockValue) {
      if (stopping) return { skipped: 'shutdown' };
      const { running, backoff } = options.keys(account);
      if ((await connection.exists(backoff)) === 1) return { skipped: 'rate_limited' };
      const sweep = await options.sweepOf(account);
      if (!sweep) return { skipped: 'account removed' };
      if ((await connection.set(running, lockValue, 'PX', SWEEP_LOCK_MS, 'NX')) !== 'OK')
        return { skipped: 'previous sweep still running' };
      const renew = setInterval(
        () => void connection.pexpire(running, SWEEP_LOCK_MS).catch(() => undefined),
        SWEEP_LOCK_MS / 3,
      );
      renewing.add(renew);
      const began = performance.now();
      try {
        const report = await sweep();
        const durationMs = Math.round(performance.now() - began);
        if (report.backoffMs !== undefined && report.backoffMs > 0)
          await connection.set(backoff, '1', 'PX', Math.ceil(report.backoffMs));
        options.onSweep?.(report, durationMs, account);
        log[report.stoppedBy ? 'warn' : 'info'](
          { account, ...report, durationMs },
          'reconcile sweep done',
        );
        return report;
      } finally {
        clearInterval(renew);
        renewing.delete(renew);
        await connection.del(running);
      }
    },
    stop() {
      stopping = true;
    },
    cutOff() {
      for (const renew of renewing) clearInterval(renew);
      renewing.clear();
    },
  };
}
