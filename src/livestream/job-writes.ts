import type { Job } from 'bullmq';
import type { StartJobData } from '../domain/start-job';
import type { StartProgress } from '../domain/start-progress';

/**
 * What one run writes to its BullMQ job: the progress, the attempt's job-log line (it travels with
 * the next progress save) and the move to the delayed set.
 */
export function createJobWrites(job: Job<StartJobData>, token: string | undefined) {
  let pendingLog: Promise<unknown> = Promise.resolve();
  return {
    /** The attempt's line for the job log; it travels with the next progress save. */
    logAttempt: (line: string): void => {
      pendingLog = job.log(line);
      pendingLog.catch(() => undefined); // awaited (and its error surfaced) by save()
    },
    save: async (p: StartProgress): Promise<void> => {
      await Promise.all([job.updateProgress(p), pendingLog]);
    },
    /**
     * Saves `next` and moves the job to the delayed set until `at`. The progress, the attempt's
     * log line and the move are sent back to back on the worker's connection, which runs them in
     * that order: one round trip instead of three.
     */
    delay: (at: number, next: StartProgress): Promise<unknown> =>
      Promise.all([job.updateProgress(next), pendingLog, job.moveToDelayed(at, token)]),
  };
}
