import { DelayedError, type Job } from 'bullmq';
import { accountOf } from '../domain/account';
import { readProgress } from '../domain/start-progress';

/** How long a job of an account at its cap waits in the delayed set, on average. */
export const ACCOUNT_HAND_BACK_MS = 50;

export interface AccountSlotsOptions<D extends { account?: string } = { account?: string }> {
  /** Most worker slots one account may hold at once in this process (read on every job). */
  perAccount: number | (() => number);
  now?: () => number;
  random?: () => number;
  /** Mean hand-back delay of a job whose account is at its cap; jittered ±50 %. */
  handBackMs?: number;
  /** Told of each job handed back (metrics, logs). */
  onHandBack?: (account: string, job: Job<D>) => void;
}

const holdsReservation = (job: Job<{ account?: string }>): boolean =>
  readProgress(job.progress).reservedSlot !== undefined;

type Processor<D extends { account?: string }, R> = (job: Job<D>, token?: string) => Promise<R>;

/**
 * The most worker slots one account holds when `WORKER_SLOTS_PER_ACCOUNT` is unset: all of them
 * with one account (a single-account deployment keeps its throughput), half of them (rounded up)
 * with several, so an account with a backlog always leaves the other half to the rest.
 */
export function accountSlotLimit(
  concurrency: number,
  accounts: number,
  configured?: number,
): number {
  if (configured !== undefined) return Math.min(configured, concurrency);
  return accounts <= 1 ? concurrency : Math.max(1, Math.ceil(concurrency / 2));
}

/**
 * Wraps a start processor so that one account holds at most `perAccount` of this process's
 * worker slots. A job of an account already at its cap is not waited for in place: it goes back
 * to BullMQ's delayed set for a short jittered while (not an attempt, its progress untouched),
 * and the slot it would have taken serves another account's job. The account is the job's
 * (`accountOf`): jobs queued before accounts existed count as the default account.
 */
export function withAccountSlots<D extends { account?: string }, R>(
  processor: Processor<D, R>,
  options: AccountSlotsOptions<D>,
): Processor<D, R> & { held: (account: string) => number } {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const mean = options.handBackMs ?? ACCOUNT_HAND_BACK_MS;
  const limit =
    typeof options.perAccount === 'function'
      ? options.perAccount
      : () => options.perAccount as number;
  const busy = new Map<string, number>();
  const wrapped = async (job: Job<D>, token?: string): Promise<R> => {
    const account = accountOf(job.data);
    const held = busy.get(account) ?? 0;
    // A job back for the pacing slot it reserved has waited its turn in the queue already: sent
    // back again it would miss the slot and queue behind the account's whole backlog.
    if (held >= limit() && !holdsReservation(job)) {
      options.onHandBack?.(account, job);
      await job.moveToDelayed(now() + Math.round(mean * (0.5 + random())), token);
      throw new DelayedError();
    }
    busy.set(account, held + 1);
    try {
      return await processor(job, token);
    } finally {
      const left = (busy.get(account) ?? 1) - 1;
      if (left > 0) busy.set(account, left);
      else busy.delete(account);
    }
  };
  return Object.assign(wrapped, { held: (account: string) => busy.get(account) ?? 0 });
}
