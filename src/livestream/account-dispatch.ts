import type { Job, Queue } from 'bullmq';
import { accountOf } from '../domain/account';
import type { InstanceFacts } from '../domain/instance-facts';
import type { StartJobData } from '../domain/start-job';
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
  log: Logger;
  now?: () => number;
}

/**
 * The processor of one shard's queue: each job goes to its account's processor (jobs without an
 * account are the default account's). A job of an account the registry no longer has ends as
 * cancelled, "account removed", without a Zoom call.
 */
export function createAccountDispatch(deps: AccountDispatchDeps): (queue: Queue) => StartProcessor {
  const now = deps.now ?? Date.now;
  return (queue) => {
    const facts = (jobId: string) => readInstanceFacts(queue, jobId);
    // Per side object: a side built again after a reload gets a processor of its own.
    const processors = new WeakMap<AccountSide, StartProcessor>();
    return async (job, token) => {
      const side = await deps.sides.get(accountOf(job.data));
      if (!side) return removed(job, token, deps.log, now);
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
