import type { Job } from 'bullmq';
import type { Alert } from '../alerts/alerts';
import type { Logger } from '../logging/create-logger';
import type { AlertType } from '../domain/alert-type';
import type { StartJobData } from '../domain/start-job';
import type { AttemptRecord, StartProgress } from '../domain/start-progress';

export interface JobAlertsDeps {
  job: Job<StartJobData>;
  log: Logger;
  now: () => number;
  /** Queues an alert; absent when no alert endpoint is configured. */
  alert?: (alert: Alert) => Promise<unknown>;
}

/**
 * The alerts of one start job: at most one of each type per meeting instance, remembered in its
 * progress; an alert that cannot be queued is logged, never fails the start.
 */
export function createJobAlerts(deps: JobAlertsDeps) {
  const { job, log, now } = deps;
  const data = job.data;

  /**
   * Queues one alert of `type` per meeting instance (or per `key`, for the deployment's
   * alerts); the progress remembers it was sent.
   */
  async function raise(
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
  }

  return {
    raise,
    /** One `zoom_unavailable` alert once trouble (5xx, timeouts) has lasted `afterMs`; 0: never. */
    raiseIfLongTrouble(
      next: StartProgress,
      record: AttemptRecord,
      afterMs: number,
    ): Promise<StartProgress> {
      const reason = troubleReason(next, record, afterMs, now());
      return reason === undefined
        ? Promise.resolve(next)
        : raise('zoom_unavailable', reason, next, record.zoomCode);
    },
  };
}

export type JobAlerts = ReturnType<typeof createJobAlerts>;

/** The `zoom_unavailable` alert's words once trouble has lasted `afterMs` (0: never), else undefined. */
function troubleReason(
  next: StartProgress,
  record: AttemptRecord,
  afterMs: number,
  now: number,
): string | undefined {
  if (afterMs <= 0 || next.troubleSince === undefined || now - next.troubleSince < afterMs)
    return undefined;
  const since = new Date(next.troubleSince).toISOString();
  const what = record.errorCode ?? `HTTP ${record.status ?? '?'}`;
  const words = record.message ? `: ${record.message}` : '';
  return `Zoom has not answered usably since ${since} (last: ${what}${words}); still retrying until the deadline`;
}
