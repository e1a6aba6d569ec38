import type { Job, Queue } from 'bullmq';
import { accountOf, isAccountName } from '../domain/account';
import type { StartJobData } from '../domain/start-job';
import { listMeetingPage, type MeetingPage, type MeetingPageQuery } from '../status/meeting-page';
import type { Principal } from './console-auth';

/** The start queues the console reads (one per shard) and the queue of an account. */
export interface ConsoleQueues {
  all(): Promise<Queue<StartJobData>[]>;
  forAccount(account: string): Promise<Queue<StartJobData>>;
}

/** One queue for every account: a deployment of one shard. */
export const singleQueue = (queue: Queue<StartJobData>): ConsoleQueues => ({
  all: () => Promise.resolve([queue]),
  forAccount: () => Promise.resolve(queue),
});

/** The accounts whose starts the principal may see; undefined: every account. */
export const scopeOf = (p: Principal): readonly string[] | undefined =>
  p.accounts === 'all' ? undefined : p.accounts;

/** Whether the principal may see and act on `account`'s starts. */
export const mayUse = (p: Principal, account: string): boolean =>
  p.accounts === 'all' || p.accounts.includes(account);

/** The account names offered to the principal (filter links, the trigger form): theirs, in force. */
export const offeredAccounts = (p: Principal, inForce: readonly string[]): string[] =>
  p.accounts === 'all' ? [...inForce] : inForce.filter((a) => mayUse(p, a));

/** The `account` a request names, when it is one the principal may see; else undefined. */
export function chosenAccount(p: Principal, value: unknown): string | undefined {
  return typeof value === 'string' && isAccountName(value) && mayUse(p, value) ? value : undefined;
}

/**
 * One page of starts across every shard's queue, newest first: each queue's first
 * `offset + limit` rows, merged by when they were received (one shard: the page as it is read).
 */
export async function readPage(
  queues: readonly Queue<StartJobData>[],
  query: MeetingPageQuery,
): Promise<MeetingPage> {
  if (queues.length === 1) return listMeetingPage(queues[0]!, query);
  const pages = await Promise.all(
    queues.map((q) =>
      listMeetingPage(q, { ...query, offset: 0, limit: query.offset + query.limit }),
    ),
  );
  const rows = pages
    .flatMap((p) => p.rows)
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
    .slice(query.offset, query.offset + query.limit);
  const total = pages.reduce((n, p) => n + p.total, 0);
  return { rows, total, offset: query.offset, limit: query.limit };
}

/**
 * The job `jobId` and the queue holding it, when the principal may see it; undefined otherwise
 * (a job of another account is answered exactly like one that does not exist).
 */
export async function findJob(
  queues: readonly Queue<StartJobData>[],
  jobId: string,
  p: Principal,
): Promise<{ job: Job<StartJobData>; queue: Queue<StartJobData> } | undefined> {
  for (const queue of queues) {
    const job = await queue.getJob(jobId);
    if (job) return mayUse(p, accountOf(job.data)) ? { job, queue } : undefined;
  }
  return undefined;
}
