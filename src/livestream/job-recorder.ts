import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Alert } from '../alerts/alerts';
import type { Logger } from '../logging/create-logger';
import { answerFields } from './answer-fields';
import { createJobAlerts } from './job-alerts';
import { createJobWrites } from './job-writes';
import type { AlertType } from '../domain/alert-type';
import type { StartJobData } from '../domain/start-job';
import type { Decision } from '../domain/decision';
import { unscheduled, type AttemptRecord, type StartProgress } from '../domain/start-progress';

export interface StartResult {
  state: 'started' | 'live' | 'stopped' | 'skipped' | 'cancelled';
  attempts: number;
  /** ms from receiving `meeting.started` to Zoom accepting the start. */
  latencyMs?: number;
}

export interface JobRecorderDeps {
  job: Job<StartJobData>;
  /** BullMQ's lock token of this run (needed to move the job to the delayed set). */
  token: string | undefined;
  log: Logger;
  now: () => number;
  /** Queues an alert; absent when no alert endpoint is configured. */
  alert?: (alert: Alert) => Promise<unknown>;
}

/**
 * Everything one run of a start job writes: its progress (what an operator sees), the job log
 * line of the attempt, the one log line of the outcome, alerts, and the hand-back to BullMQ
 * (delayed, done, or failed for good).
 */
export function createJobRecorder(deps: JobRecorderDeps) {
  const { job, log } = deps;
  const writes = createJobWrites(job, deps.token);
  const alerts = createJobAlerts(deps);
  const save = writes.save;

  const recorder = {
    ...alerts,
    logAttempt: writes.logAttempt,
    save,

    /**
     * Sleeps in Redis until `at` (BullMQ's delayed set, not counted as an attempt), then hands
     * the run back to BullMQ with its delayed signal.
     */
    async later(at: number, next: StartProgress, message: string, fields: object): Promise<never> {
      const written = writes.delay(at, next);
      log.info(
        { ...fields, nextAttemptAt: new Date(at).toISOString(), attempts: next.attempts },
        message,
      );
      await written;
      throw new DelayedError();
    },

    async finish(
      state: StartResult['state'],
      next: StartProgress,
      message: string,
      reason?: string,
    ): Promise<StartResult> {
      await save({ ...unscheduled(next), state, ...(reason !== undefined && { reason }) });
      log.info({ attempts: next.attempts, reason, rule: next.rule }, message);
      return { state, attempts: next.attempts };
    },

    async fail(
      decision: Extract<Decision, { type: 'fail' }>,
      next: StartProgress,
      record?: AttemptRecord,
    ): Promise<never> {
      const type: AlertType = decision.code === 'deadline' ? 'gave_up' : 'start_failed';
      next = await alerts.raise(type, decision.reason, next, record?.zoomCode);
      await save({ ...unscheduled(next), state: 'failed', reason: decision.reason });
      log.warn(
        {
          ...(record && answerFields(record)),
          code: decision.code,
          reason: decision.reason,
          attempts: next.attempts,
        },
        'livestream start failed',
      );
      throw new UnrecoverableError(decision.reason);
    },
  };
  return recorder;
}

export type JobRecorder = ReturnType<typeof createJobRecorder>;
