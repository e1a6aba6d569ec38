import type { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import { withDeadline } from '../redis/connections';
import { jobsByAccount, type AccountJobs } from './waiting-age';

/**
 * BullMQ states reported by `zlw_jobs`: the starts still in play, and the failed ones kept.
 * BullMQ's `completed` is left out: it holds started, skipped and cancelled starts alike, which
 * `zlw_start_jobs_finished_total` tells apart.
 */
const JOB_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/** The start queues a process reports, and the accounts it serves. */
export interface WatchedStarts {
  /** Every shard's queue (see `StartQueues.all()`). */
  queues: () => Promise<readonly Queue[]>;
  /**
   * The accounts served (the registry's names): the only `account` label values. Jobs of any
   * other account (one removed from the file) are not reported; no label comes from job data.
   */
  accounts: () => readonly string[];
}

/** Each served account's jobs summed over every shard, or undefined when a shard did not answer. */
async function readAll(starts: WatchedStarts): Promise<Map<string, AccountJobs> | undefined> {
  const queues = await withDeadline(starts.queues(), 500).catch(() => undefined);
  if (!queues) return undefined;
  const shards = await Promise.all(
    queues.map((q) => withDeadline(jobsByAccount(q), 500).catch(() => undefined)),
  );
  if (shards.some((s) => s === undefined)) return undefined;
  const total = new Map<string, AccountJobs>();
  for (const account of starts.accounts()) {
    const sum: AccountJobs = {
      waiting: 0,
      delayed: 0,
      active: 0,
      failed: 0,
      oldestWaitingAt: undefined,
    };
    for (const shard of shards) {
      const jobs = shard!.get(account);
      if (!jobs) continue;
      for (const state of JOB_STATES) sum[state] += jobs[state];
      if (jobs.oldestWaitingAt !== undefined)
        sum.oldestWaitingAt = Math.min(sum.oldestWaitingAt ?? Infinity, jobs.oldestWaitingAt);
    }
    total.set(account, sum);
  }
  return total;
}

/**
 * Gauges read from every shard on every scrape, per account: jobs by state and the oldest waiting
 * start's age. Both gauges share one read. A scrape must not hang on a Redis that is down: when a
 * shard does not answer they keep their last values.
 */
export function registerQueueGauges(registry: Registry): (starts: WatchedStarts) => void {
  const watched: WatchedStarts[] = [];
  // Both gauges' collects start in the same tick of a scrape and share one read; the next
  // scrape reads again.
  let pending: Promise<Map<string, AccountJobs> | undefined> | undefined;
  const read = () =>
    (pending ??= (async () => {
      const starts = watched[0];
      return starts && (await readAll(starts));
    })().finally(() => (pending = undefined)));
  new Gauge({
    name: 'zlw_jobs',
    help: 'Start jobs by account and BullMQ state.',
    labelNames: ['account', 'state'] as const,
    registers: [registry],
    async collect() {
      const jobs = await read();
      if (!jobs) return;
      this.reset();
      for (const [account, counts] of jobs)
        for (const state of JOB_STATES) this.set({ account, state }, counts[state]);
    },
  });
  new Gauge({
    name: 'zlw_oldest_waiting_start_age_seconds',
    help: 'Age of the oldest start job not yet running (waiting, or delayed by a 429, a backoff or a confirmation check), by account; 0 when none.',
    labelNames: ['account'] as const,
    registers: [registry],
    async collect() {
      const jobs = await read();
      if (!jobs) return;
      const now = Date.now();
      this.reset();
      for (const [account, { oldestWaitingAt }] of jobs)
        this.set(
          { account },
          oldestWaitingAt === undefined ? 0 : Math.max(0, (now - oldestWaitingAt) / 1000),
        );
    },
  });
  return (starts) => void watched.push(starts);
}
