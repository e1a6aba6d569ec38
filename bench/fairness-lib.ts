import type { Queue } from 'bullmq';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartJobData } from '../src/domain/start-job';
import { writeSandboxAccountsFile } from '../src/sandbox/sandbox-accounts-file';
import { accountStarts } from './account-starts';
import { sandboxProcess, serviceProcess, type ZoomAt } from './fixtures';
import { sleep, type Child } from './lib';

// Shared by the fairness figures: the sandbox playing every account, the service's worker
// serving some of them from an accounts file, start jobs of an account, and the times Redis
// recorded for each job.

export const CONCURRENCY = 50;

/** The most accounts a fairness figure serves; the sandbox plays them all. */
export const ACCOUNTS = 100;

/** The name of the `i`-th account: a0, a1, … */
export const accountName = (i: number): string => `a${i}`;

/** The bench's start jobs of one account. */
export const startsFor = accountStarts;

/** A sandbox Zoom in its own process playing accounts a0 … a99 (see `sandboxProcess`). */
export const accountsSandbox = (limited: number) =>
  sandboxProcess(
    limited,
    Array.from({ length: ACCOUNTS }, (_, i) => accountName(i)),
  );

/**
 * An accounts file of a0 … a(count − 1), each with the app the sandbox gives it and its own limit
 * of `rate` calls/s, and the variables holding their credentials.
 */
function accountsFile(count: number, rate: number): Record<string, string> {
  const accounts = Array.from({ length: count }, (_, i) => ({
    name: accountName(i),
    maxRequestsPerSecond: rate,
  }));
  const dir = mkdtempSync(join(tmpdir(), 'zlw-bench-accounts-'));
  const { file, env } = writeSandboxAccountsFile(dir, accounts, 'BENCH');
  return { ...env, ACCOUNTS_FILE: file };
}

export interface AccountWorkerOptions {
  redisUrl: string;
  prefix: string;
  zoom: ZoomAt;
  /** Accounts a0 … a(accounts − 1) are served. */
  accounts: number;
  /** Each account's `max_requests_per_second`. */
  rate: number;
  /** More variables (`LIVESTREAM_RETRY_DELAY_MS`, …). */
  env?: Record<string, string>;
}

/**
 * The service's own worker (`start --role worker`, a process of its own) with an accounts file
 * of `accounts` accounts against the sandbox: `WORKER_CONCURRENCY` 50 and the shipped pacing and
 * per-account slot settings. The missed-webhook sweep is off: these figures are of the starts.
 */
export function accountWorker(o: AccountWorkerOptions): Promise<Child> {
  return serviceProcess('worker', {
    ...accountsFile(o.accounts, o.rate),
    REDIS_URL: o.redisUrl,
    QUEUE_PREFIX: o.prefix,
    ZOOM_API_BASE_URL: o.zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: o.zoom.oauthTokenUrl,
    ZOOM_WEBHOOK_SECRET_TOKEN: '', // the accounts file holds every account's app
    WORKER_CONCURRENCY: String(CONCURRENCY),
    RECONCILE_INTERVAL_MS: '0',
    ...o.env,
  });
}

/**
 * Puts account `name` of the sandbox in a storm that refuses every `every`-th API call with an
 * account-level 429 (`Retry-After: 1`), or without `every` calls the storm off.
 */
export async function storm(zoom: ZoomAt, name: string, every?: number): Promise<void> {
  const origin = zoom.apiBaseUrl.replace(/\/v2$/, '');
  const res = await fetch(`${origin}/sandbox/accounts/${name}/${every ? 'storm' : 'calm'}`, {
    method: 'POST',
    body: JSON.stringify({ every, retryAfterSeconds: 1 }),
  });
  if (!res.ok) throw new Error(`the sandbox refused the storm control: ${res.status}`);
}

export async function addAll(
  q: Queue<StartJobData>,
  jobs: ReturnType<typeof startsFor>,
): Promise<void> {
  for (let i = 0; i < jobs.length; i += 500) await q.addBulk(jobs.slice(i, i + 500));
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
