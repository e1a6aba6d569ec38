import type { Queue } from 'bullmq';
import { readProgress, unscheduled, type StartProgress } from '../livestream/start-progress';
import { readInstanceFacts, type StartJobData } from './start-queue';

export type RetryStartResult =
  { ok: true } | { ok: false; why: 'not_found' | 'not_failed' | 'ended'; message: string };

/**
 * Re-runs a failed start: counters reset, history kept, and a fresh give-up deadline counted from
 * now. A meeting that has ended is not retried (Zoom cannot stream it).
 */
export async function retryStart(
  queue: Queue<StartJobData>,
  jobId: string,
  now: number,
): Promise<RetryStartResult> {
  const job = await queue.getJob(jobId);
  if (!job) return { ok: false, why: 'not_found', message: `no start job ${jobId}` };
  const state = await job.getState();
  if (state !== 'failed')
    return { ok: false, why: 'not_failed', message: `job ${jobId} is ${state}, not failed` };
  if ((await readInstanceFacts(queue, jobId)).ended !== undefined) {
    return {
      ok: false,
      why: 'ended',
      message: `meeting ${job.data.meetingId} has ended; there is no stream to start`,
    };
  }
  const progress = readProgress(job.progress);
  await job.updateData({ ...job.data, retriedAt: now });
  await job.updateProgress({
    ...unscheduled(progress),
    transientFailures: 0,
    notStartedRetries: 0,
    state: 'queued',
    reason: 'retried by an operator',
  } satisfies StartProgress);
  await job.retry('failed');
  return { ok: true };
}
