import { Job, type Queue } from 'bullmq';
import { DEFAULT_ACCOUNT } from '../domain/account';
import type { StartJobData } from '../domain/start-job';
import { queueClient } from './start-queue';

const BATCH = 100;

/**
 * True when the start job id belongs to `account`: `<account>.<kind>-<uuid>`, or for the default
 * account the bare `<kind>-<uuid>` (base64url has no `.`).
 */
export function isAccountJobId(jobId: string, account: string): boolean {
  return account === DEFAULT_ACCOUNT ? !jobId.includes('.') : jobId.startsWith(`${account}.`);
}

/**
 * Wakes every delayed start of `account` in `queue` now, so a worker settles each at once instead
 * of at its next due time (a removed account's starts are cancelled by the run). Reads only the
 * ids of the delayed set, then promotes in batches; a job a worker took meanwhile is left to it.
 * Returns how many were woken.
 */
export async function wakeDelayedStarts(
  queue: Queue<StartJobData>,
  account: string,
): Promise<number> {
  const client = await queueClient(queue);
  const ids = (await client.zrange(queue.toKey('delayed'), 0, -1)).filter((id) =>
    isAccountJobId(id, account),
  );
  let woken = 0;
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = await Promise.all(
      ids.slice(i, i + BATCH).map(async (id) => {
        const job = await Job.fromId<StartJobData>(queue, id);
        return job
          ?.promote()
          .then(() => 1)
          .catch(() => 0);
      }),
    );
    woken += batch.reduce<number>((n, x) => n + (x ?? 0), 0);
  }
  return woken;
}
