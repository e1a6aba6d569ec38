import type { Job, Queue } from 'bullmq';
import { accountOf, isAccountName } from '../domain/account';
import type { StartJobData } from '../domain/start-job';
import type { Principal } from './console-auth';

/** The start queues the console reads (one per shard) and the queue of an account. */
export interface ConsoleQueues {
  all(): Promise<Queue<StartJobData>[]>;
  forAccount(account: string): Promise<Queue<StartJobData>>;
}

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
