import type { Queue } from 'bullmq';
import { EMPTY_PROGRESS, readProgress, type StartProgress } from '../domain/start-progress';
import { readInstanceFacts } from '../queue/start-queue';
import { startJobId, type StartJobData } from '../domain/start-job';
import type { Logger } from '../logging/create-logger';
import { listMeetingStatuses } from '../status/read-statuses';
import type { AccountQueues, InstanceOptions } from './account-queues';
import { accountOf } from '../domain/account';

export type RetryStartResult =
  { ok: true } | { ok: false; why: 'not_found' | 'not_failed' | 'ended'; message: string };

/** What `retry` answers for a meeting that has ended (Zoom cannot stream it any more). */
export const endedMessage = (meetingId: string): string =>
  `meeting ${meetingId} has ended; there is no stream to start`;

/**
 * Re-runs a failed start as if it were new: attempts, counters (BullMQ's included), answer history
 * and job log start again from zero, and the give-up deadline counts from now. Kept: the alerts
 * already sent (listed by `status`; each type is still sent at most once per instance) and a job
 * log line saying when the operator retried. A meeting that has ended is not retried.
 */
export async function retryStart(
  queue: Queue<StartJobData>,
  jobId: string,
  now: number,
): Promise<RetryStartResult> {
  const job = await queue.getJob(jobId);
  if (!job) return { ok: false, why: 'not_found', message: `no start job ${jobId}` };
  if ((await readInstanceFacts(queue, jobId)).ended !== undefined)
    return { ok: false, why: 'ended', message: endedMessage(job.data.meetingId) };
  const state = await job.getState();
  if (state !== 'failed')
    return { ok: false, why: 'not_failed', message: `job ${jobId} is ${state}, not failed` };
  const { alerts } = readProgress(job.progress);
  await job.updateData({ ...job.data, retriedAt: now });
  await job.updateProgress({
    ...EMPTY_PROGRESS,
    history: [],
    ...(alerts && { alerts }),
    reason: 'retried by an operator',
  } satisfies StartProgress);
  await job.clearLogs();
  await job.log(
    `retried by an operator at ${new Date(now).toISOString()}: attempts, counters and history start again`,
  );
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  return { ok: true };
}

export type RetryMeetingResult =
  | { ok: true; jobId: string }
  | { ok: false; why: 'not_found' | 'not_failed' | 'ended'; message: string };

/** Re-runs the newest failed start of `meeting` (or the `uuid` one) from zero. */
export async function retryMeeting(
  queues: AccountQueues,
  meeting: string,
  options: InstanceOptions,
  operator: string,
  log: Logger,
): Promise<RetryMeetingResult> {
  const account = accountOf(options);
  const queue = await queues.forAccount(account);
  let jobId: string;
  if (options.uuid !== undefined)
    jobId = startJobId(options.webinar ? 'webinar' : 'meeting', options.uuid, account);
  else {
    const statuses = await listMeetingStatuses([queue], meeting, {
      accounts: new Set([account]),
    });
    const failed = statuses.find((s) => s.state === 'failed');
    if (!failed && statuses.some((s) => s.state === 'cancelled'))
      return { ok: false, why: 'ended', message: endedMessage(meeting) };
    if (!failed)
      return { ok: false, why: 'not_found', message: `no failed start for meeting ${meeting}` };
    jobId = failed.jobId;
  }
  const result = await retryStart(queue, jobId, Date.now());
  if (!result.ok) return result;
  log.info({ action: 'retry', operator, account, meetingId: meeting, jobId }, 'operator action');
  return { ok: true, jobId };
}
