import type { Job, Queue } from 'bullmq';
import { accountOf } from '../domain/account';
import type { InstanceFacts } from '../domain/instance-facts';
import { deadlineBase, type StartJobData } from '../domain/start-job';
import { readProgress, unscheduled, type StartResult } from '../domain/start-progress';
import type { Logger } from '../logging/create-logger';
import { readInstanceFacts } from '../queue/start-queue';
import type { AccountSide, AccountSides } from './account-sides';
import { createJobRecorder } from './job-recorder';
import { runLogger } from './start-run';

export type StartProcessor = (job: Job<StartJobData>, token?: string) => Promise<StartResult>;

/** The reason a start of an account no longer served ends with. */
export const ACCOUNT_REMOVED = 'account removed';

export interface AccountDispatchDeps {
  sides: AccountSides;
  /**
   * The processor of one account's starts in one shard's queue: the one place where the worker's
   * processor is composed (the facts are read from the job's own queue).
   */
  compose: (side: AccountSide, facts: (jobId: string) => Promise<InstanceFacts>) => StartProcessor;
  /** Whether this process's registry removed the account (a reload dropped it). */
  wasRemoved: (account: string) => boolean;
  /** A start of an account this process does not know waits at most this long (its deadline). */
  giveUpAfterMs: number;
  log: Logger;
  now?: () => number;
}

/** How long a start of an account this process does not know yet waits before it is tried again. */
export const UNKNOWN_ACCOUNT_RETRY_MS = 30_000;

/**
 * The processor of one shard's queue: each job goes to its account's processor (jobs without an
 * account are the default account's). A job of an account a reload removed ends as cancelled,
 * "account removed", without a Zoom call. A job of an account this process has never had (another
 * process read a newer accounts file first: a rolling reload) is not cancelled: it waits and is
 * tried again, until its deadline.
 */
export function createAccountDispatch(deps: AccountDispatchDeps): (queue: Queue) => StartProcessor {
  const now = deps.now ?? Date.now;
  return (queue) => {
    const facts = (jobId: string) => readInstanceFacts(queue, jobId);
    // Per side object: a side built again after a reload gets a processor of its own.
    const processors = new WeakMap<AccountSide, StartProcessor>();
    return async (job, token) => {
      const account = accountOf(job.data);
      const side = await deps.sides.get(account);
      if (!side)
        return deps.wasRemoved(account)
          ? removed(job, token, deps.log, now)
          : unknown(job, token, deps, now);
      let processor = processors.get(side);
      if (!processor) {
        processor = deps.compose(side, facts);
        processors.set(side, processor);
      }
      return processor(job, token);
    };
  };
}

async function removed(
  job: Job<StartJobData>,
  token: string | undefined,
  log: Logger,
  now: () => number,
): Promise<StartResult> {
  // The account name is job data here, not a registry name: logged, never a metric label.
  const runLog = runLogger(log, job.data, job.id ?? '').child({ account: accountOf(job.data) });
  const rec = createJobRecorder({ job, token, log: runLog, now });
  const progress = unscheduled(readProgress(job.progress));
  return rec.finish(
    'cancelled',
    progress,
    'livestream start cancelled: account removed',
    ACCOUNT_REMOVED,
  );
}

/** A start of an account this process does not know (yet): tried again later, until its deadline. */
async function unknown(
  job: Job<StartJobData>,
  token: string | undefined,
  deps: AccountDispatchDeps,
  now: () => number,
): Promise<StartResult> {
  const runLog = runLogger(deps.log, job.data, job.id ?? '').child({
    account: accountOf(job.data),
  });
  const rec = createJobRecorder({ job, token, log: runLog, now });
  const progress = readProgress(job.progress);
  const at = now() + UNKNOWN_ACCOUNT_RETRY_MS;
  if (at > deadlineBase(job.data) + deps.giveUpAfterMs) {
    const reason = "gave up: the account is not in this deployment's accounts file";
    return rec.fail({ type: 'fail', code: 'deadline', reason }, progress);
  }
  return rec.later(
    at,
    { ...progress, state: 'waiting', nextAttemptAt: at, reason: 'account unknown' },
    'livestream start waits: this process does not know the account (yet)',
    { reason: 'account unknown' },
  );
}
