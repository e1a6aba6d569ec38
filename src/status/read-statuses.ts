import type { Queue } from 'bullmq';
import { accountOfJobId } from '../domain/job-account';
import type { StartJobData } from '../domain/start-job';
import type { MeetingState } from '../domain/start-progress';
import { readInstanceFacts } from '../queue/start-queue';
import type { StartQueues } from '../queue/start-queues';
import { listMeetingPage } from './meeting-page';
import { describeJob, type MeetingStatus } from './meeting-status';
import type { AccountFilter } from './read-shards';

/** How many instances `status` lists at most (the newest). */
export const STATUS_LIST_LIMIT = 1000;
/** Instances of one meeting looked at: a meeting has few, however many the queue holds. */
const ONE_MEETING_LIMIT = 20_000;

/**
 * Every tracked meeting instance of every shard (newest first, at most `limit`), or every instance
 * of one meeting id, optionally in one state and of some accounts only. The jobs are read per
 * BullMQ state and their instance facts in one pipelined round trip per shard (the console's
 * reader, {@link listMeetingPage}).
 */
export async function listMeetingStatuses(
  queues: readonly Queue<StartJobData>[],
  meetingId?: string,
  options: { state?: MeetingState; limit?: number; accounts?: AccountFilter } = {},
): Promise<MeetingStatus[]> {
  const page = await listMeetingPage(queues, {
    ...(meetingId !== undefined && { text: meetingId }),
    ...(options.state !== undefined && { state: options.state }),
    ...(options.accounts !== undefined && { accounts: options.accounts }),
    offset: 0,
    limit: meetingId !== undefined ? ONE_MEETING_LIMIT : (options.limit ?? STATUS_LIST_LIMIT),
  });
  // The text filter also matches topics and instance ids that contain the digits.
  return meetingId === undefined
    ? page.rows
    : page.rows.filter((s) => s.meetingId === meetingId).slice(0, options.limit);
}

/**
 * One start by its job id, read from its account's shard; undefined when there is no such job or
 * its account is not one of `accounts` (the names the caller may show: a job id from a URL never
 * opens, or records, the shard of an account that is not one of them).
 */
export async function readMeetingStatus(
  queues: Pick<StartQueues, 'forAccount'>,
  jobId: string,
  accounts: ReadonlySet<string>,
): Promise<{ status: MeetingStatus; queue: Queue<StartJobData> } | undefined> {
  const account = accountOfJobId(jobId);
  if (!accounts.has(account)) return undefined;
  const queue = await queues.forAccount(account);
  const job = await queue.getJob(jobId);
  const state = job ? await job.getState() : 'unknown';
  if (!job || state === 'unknown') return undefined;
  return { status: describeJob(job, state, await readInstanceFacts(queue, jobId)), queue };
}
