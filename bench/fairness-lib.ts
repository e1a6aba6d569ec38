import type { Queue } from 'bullmq';
import type { StartJobData } from '../src/domain/start-job';
import { accountSlotLimit } from '../src/livestream/account-slots';
import { accountStarts } from './account-workers';
import { sleep, spawnTs, type Child } from './lib';

// Shared by the fairness figures: start jobs of an account, the many-account worker process,
// and the times Redis recorded for each job.

export const CONCURRENCY = 50;

/** The bench's start jobs of one account. */
export const startsFor = accountStarts;

export async function addAll(
  q: Queue<StartJobData>,
  jobs: ReturnType<typeof startsFor>,
): Promise<void> {
  for (let i = 0; i < jobs.length; i += 500) await q.addBulk(jobs.slice(i, i + 500));
}

export function accountWorker(
  env: Record<string, string>,
  accounts: number,
  extra: Record<string, string> = {},
): Promise<Child> {
  return spawnTs(
    'bench/account-worker-main.ts',
    [],
    {
      ...env,
      ACCOUNTS: String(accounts),
      CONCURRENCY: String(CONCURRENCY),
      SLOTS_PER_ACCOUNT: String(accountSlotLimit(CONCURRENCY, accounts)),
      ...extra,
    },
    /ready/,
  );
}

export async function completed(
  q: Queue<StartJobData>,
  count: number,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (((await q.getJobCounts('completed')).completed ?? 0) < count) {
    if (Date.now() > until) throw new Error(`only part of ${count} starts completed`);
    await sleep(20);
  }
}

/** ms from enqueue to the end of the job's one PATCH, as Redis recorded them (BullMQ's job times). */
export async function latencies(q: Queue<StartJobData>, account: string): Promise<number[]> {
  const done = await q.getJobs(['completed'], 0, -1);
  return done
    .filter((j) => j.data.account === account)
    .map((j) => (j.finishedOn ?? NaN) - j.timestamp);
}
