import type { Job, JobState, Queue } from 'bullmq';
import { accountOf } from '../domain/account';
import type { InstanceFacts } from '../domain/instance-facts';
import { accountOfJobId } from '../domain/job-account';
import type { StartJobData } from '../domain/start-job';
import { readFactsOf, readJobIds, readJobs, type IdRange } from './read-jobs';

/**
 * Which accounts a reader shows: only these names, or every account when undefined (a console
 * user who may see some accounts only, `status --account`).
 */
export type AccountFilter = ReadonlySet<string> | undefined;

/** A job as read from its shard's queue. */
export interface ShardJob {
  queue: Queue<StartJobData>;
  job: Job<StartJobData>;
  state: JobState;
  facts: InstanceFacts | undefined;
}

const shown = (accounts: AccountFilter, account: string) =>
  accounts === undefined || accounts.has(account);

/**
 * The jobs of `ranges` in every shard, the shards read side by side: one pipeline of ids, then one
 * of the jobs' hashes (and facts, `withFacts`), per shard. Ids of accounts the filter leaves out
 * are dropped before their hashes are read (the account is in the id), so a reader of one account
 * reads only that account's jobs; a shard with none of them costs no second round trip.
 */
export async function readShards(
  queues: readonly Queue<StartJobData>[],
  ranges: readonly IdRange[],
  cap: number,
  withFacts: boolean,
  accounts: AccountFilter,
): Promise<{ found: ShardJob[]; capped: boolean }> {
  const shards = await Promise.all(
    queues.map(async (queue) => {
      const { found, capped } = await readJobIds(queue, ranges, cap);
      const ids = found.filter((f) => shown(accounts, accountOfJobId(f.id)));
      const jobs = await readJobs(queue, ids, withFacts);
      return {
        capped,
        jobs: jobs
          .filter((j) => shown(accounts, accountOf(j.job.data)))
          .map((j) => ({ ...j, queue })),
      };
    }),
  );
  return { found: shards.flatMap((s) => s.jobs), capped: shards.some((s) => s.capped) };
}

/** The instance facts of `jobs`, in their order: one pipeline per shard, side by side. */
export async function readShardFacts(
  jobs: readonly Pick<ShardJob, 'queue' | 'job'>[],
): Promise<InstanceFacts[]> {
  const byQueue = new Map<Queue<StartJobData>, number[]>();
  jobs.forEach(({ queue }, i) => {
    const indexes = byQueue.get(queue);
    if (indexes) indexes.push(i);
    else byQueue.set(queue, [i]);
  });
  const facts: InstanceFacts[] = new Array<InstanceFacts>(jobs.length);
  await Promise.all(
    [...byQueue].map(async ([queue, indexes]) => {
      const read = await readFactsOf(
        queue,
        indexes.map((i) => jobs[i]!.job.id ?? ''),
      );
      indexes.forEach((index, k) => (facts[index] = read[k]!));
    }),
  );
  return facts;
}
