import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Alert } from '../alerts/alerts';
import type { AlertType } from '../domain/alert-type';
import type { Logger } from '../logging/create-logger';
import type { StartJobData } from '../domain/start-job';
import { ZoomCredentialsError, type ZoomError } from '../zoom/errors';
import type { Decision } from '../domain/decision';
import {
  unscheduled,
  type AttemptRecord,
  type StartProgress,
  type StartResult,
} from '../domain/start-progress';

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
  const { job, log, now } = deps;
  const data = job.data;
  let pendingLog: Promise<unknown> = Promise.resolve();

  const save = async (p: StartProgress): Promise<void> => {
    await Promise.all([job.updateProgress(p), pendingLog]);
  };

  const recorder = {
    /** The attempt's line for the job log; it travels with the next progress save. */
    logAttempt(line: string): void {
      pendingLog = job.log(line);
      pendingLog.catch(() => undefined); // awaited (and its error surfaced) by save()
    },

    save,

    /**
     * Sleeps in Redis until `at` (BullMQ's delayed set, not counted as an attempt). The progress,
     * the attempt's log line and the move are sent back to back on the worker's connection, which
     * runs them in that order: one round trip instead of three.
     */
    async later(at: number, next: StartProgress, message: string, fields: object): Promise<never> {
      const writes = Promise.all([
        job.updateProgress(next),
        pendingLog,
        job.moveToDelayed(at, deps.token),
      ]);
      log.info(
        { ...fields, nextAttemptAt: new Date(at).toISOString(), attempts: next.attempts },
        message,
      );
      await writes;
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
      next = await recorder.raise(type, decision.reason, next, record?.zoomCode);
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

    /** One `zoom_unavailable` alert once trouble (5xx, timeouts) has lasted `afterMs`; 0: never. */
    raiseIfLongTrouble(
      next: StartProgress,
      record: AttemptRecord,
      afterMs: number,
    ): Promise<StartProgress> {
      if (afterMs <= 0 || next.troubleSince === undefined || now() - next.troubleSince < afterMs)
        return Promise.resolve(next);
      const since = new Date(next.troubleSince).toISOString();
      const what = record.errorCode ?? `HTTP ${record.status ?? '?'}`;
      const words = record.message ? `: ${record.message}` : '';
      return recorder.raise(
        'zoom_unavailable',
        `Zoom has not answered usably since ${since} (last: ${what}${words}); still retrying until the deadline`,
        next,
        record.zoomCode,
      );
    },

    /**
     * Queues one alert of `type` per meeting instance (or per `key`, for the deployment's
     * alerts); the progress remembers it was sent.
     */
    async raise(
      type: AlertType,
      reason: string,
      next: StartProgress,
      zoomCode?: number,
      key?: string,
    ): Promise<StartProgress> {
      if (!deps.alert || next.alerts?.some((a) => a.type === type)) return next;
      try {
        await deps.alert({
          type,
          kind: data.kind,
          meetingId: data.meetingId,
          topic: data.topic,
          reason,
          zoomCode,
          attempts: next.attempts,
          jobId: job.id ?? '',
          at: new Date(now()).toISOString(),
          ...(key !== undefined && { key }),
        });
        return { ...next, alerts: [...(next.alerts ?? []), { type, at: now() }] };
      } catch (err) {
        log.error(
          { alert: type, err: { message: (err as Error).message } },
          'alert could not be queued',
        );
        return next;
      }
    },
  };
  return recorder;
}

export type JobRecorder = ReturnType<typeof createJobRecorder>;

/** Zoom's answer for a log line: status, Zoom's code and words, tracking id, or the network code. */
export function answerFields(record: AttemptRecord): Record<string, unknown> {
  return {
    status: record.status,
    zoomCode: record.zoomCode,
    trackingId: record.trackingId,
    ...(record.errorCode !== undefined && { errorCode: record.errorCode }),
    ...(record.message !== undefined && { error: record.message }),
  };
}

/**
 * One `credentials_rejected` alert for rejected app credentials, not one per waiting start: each
 * process asks once per set of credentials (until the alert is queued), and the alert queue keeps
 * one per set across processes.
 */
export function createCredentialsAlert() {
  const alerted = new Set<string>();
  return async (
    rec: JobRecorder,
    error: ZoomError,
    next: StartProgress,
  ): Promise<StartProgress> => {
    if (!(error instanceof ZoomCredentialsError)) return next;
    const key = `credentials-${error.credentialsId ?? 'unnamed'}`;
    if (alerted.has(key)) return next;
    const raised = await rec.raise('credentials_rejected', error.message, next, undefined, key);
    if (raised !== next) alerted.add(key);
    return raised;
  };
}
