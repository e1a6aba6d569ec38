import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { LivestreamSettings } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { deadlineBase, type StartJobData } from '../queue/start-queue';
import { ZoomApiError, ZoomError } from '../zoom/errors';
import type { ZoomClient } from '../zoom/zoom-client';
import { decide, type CallOutcome, type Decision, type RetryPolicy } from './decide';
import {
  HISTORY_LIMIT,
  readProgress,
  type AttemptRecord,
  type StartProgress,
} from './start-progress';

export interface StartResult {
  state: 'started' | 'cancelled';
  attempts: number;
  /** ms from receiving `meeting.started` to Zoom accepting the start. */
  latencyMs?: number;
}

export interface StartProcessorDeps {
  zoom: ZoomClient;
  /** When the meeting instance of this job ended (ms), or undefined while it runs. */
  endedAt: (jobId: string) => Promise<number | undefined>;
  policy: RetryPolicy;
  settings: LivestreamSettings;
  log: Logger;
  now?: () => number;
  random?: () => number;
  onDecision?: (decision: Decision, data: StartJobData, progress: StartProgress) => void;
}

/**
 * One try at starting the stream. Waits are never slept here: a retry moves the job to BullMQ's
 * delayed set with the due time (`moveToDelayed` + `DelayedError`, not counted as an attempt), so
 * a worker killed during a 30 s wait loses nothing and any worker makes the next call on time.
 * @see https://docs.bullmq.io/patterns/process-step-jobs#delaying
 */
export function createStartProcessor(deps: StartProcessorDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;

  return async function processStart(job: Job<StartJobData>, token?: string): Promise<StartResult> {
    const data = job.data;
    const jobId = job.id ?? '';
    const log = deps.log.child({ meetingId: data.meetingId, jobId });
    const progress = readProgress(job.progress);

    if ((await deps.endedAt(jobId)) !== undefined) return cancel(job, progress, log);
    if (now() > deadlineBase(data) + deps.policy.giveUpAfterMs) {
      return fail(
        job,
        progress,
        log,
        {
          type: 'fail',
          code: 'deadline',
          reason: 'gave up: the deadline passed before the next attempt',
        },
        undefined,
      );
    }

    await job.updateProgress({ ...progress, state: 'starting' } satisfies StartProgress);
    const outcome = await callZoom(data);
    const decision = decide({
      outcome,
      counters: progress,
      now: now(),
      receivedAt: deadlineBase(data),
      policy: deps.policy,
      random: random(),
    });
    const record = attemptRecord(outcome, decision, now());
    const next = advance(progress, outcome, decision, record);
    deps.onDecision?.(decision, data, next);
    await job.log(describeAttempt(next.attempts, record, decision));

    switch (decision.type) {
      case 'done': {
        await job.updateProgress(next);
        const latencyMs = now() - data.receivedAt;
        log.info(
          {
            status: record.status,
            trackingId: record.trackingId,
            attempts: next.attempts,
            latencyMs,
          },
          'livestream started',
        );
        return { state: 'started', attempts: next.attempts, latencyMs };
      }
      case 'retry': {
        // meeting.ended may have come while we were talking to Zoom: stop here, no further call.
        if ((await deps.endedAt(jobId)) !== undefined) return cancel(job, next, log);
        await job.updateProgress(next);
        log.info(
          {
            status: record.status,
            zoomCode: record.zoomCode,
            trackingId: record.trackingId,
            reason: decision.reason,
            nextAttemptAt: new Date(decision.at).toISOString(),
            attempts: next.attempts,
          },
          'livestream start deferred',
        );
        await job.moveToDelayed(decision.at, token);
        throw new DelayedError();
      }
      case 'fail':
        return fail(job, next, log, decision, record);
    }
  };

  async function callZoom(data: StartJobData): Promise<CallOutcome> {
    try {
      const answer = await deps.zoom.startLivestream(data.kind, data.meetingId, deps.settings);
      return { ok: true, status: answer.status };
    } catch (err) {
      // Anything that is not a Zoom answer (our own Redis, a bug) goes to BullMQ's attempts.
      if (err instanceof ZoomError) return { ok: false, error: err };
      throw err;
    }
  }

  async function cancel(
    job: Job<StartJobData>,
    progress: StartProgress,
    log: Logger,
  ): Promise<StartResult> {
    const { nextAttemptAt: _, ...rest } = progress;
    await job.updateProgress({
      ...rest,
      state: 'cancelled',
      reason: 'the meeting ended',
    } satisfies StartProgress);
    log.info({ attempts: progress.attempts }, 'livestream start cancelled: meeting ended');
    return { state: 'cancelled', attempts: progress.attempts };
  }

  async function fail(
    job: Job<StartJobData>,
    progress: StartProgress,
    log: Logger,
    decision: Extract<Decision, { type: 'fail' }>,
    record: AttemptRecord | undefined,
  ): Promise<never> {
    const { nextAttemptAt: _, ...rest } = progress;
    await job.updateProgress({
      ...rest,
      state: 'failed',
      reason: decision.reason,
    } satisfies StartProgress);
    log.warn(
      {
        status: record?.status,
        zoomCode: record?.zoomCode,
        trackingId: record?.trackingId,
        code: decision.code,
        reason: decision.reason,
        attempts: progress.attempts,
      },
      'livestream start failed',
    );
    throw new UnrecoverableError(decision.reason);
  }
}

/** One human line per attempt for the job's log (shown by the dashboard). */
function describeAttempt(n: number, record: AttemptRecord, decision: Decision): string {
  const answer =
    record.status !== undefined ? `Zoom answered ${record.status}` : 'no answer from Zoom';
  const detail = [
    record.zoomCode !== undefined ? `code ${record.zoomCode}` : '',
    record.message ?? '',
    record.trackingId ? `tracking id ${record.trackingId}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const what =
    decision.type === 'done'
      ? 'stream start accepted'
      : decision.type === 'retry'
        ? `next attempt at ${new Date(decision.at).toISOString()} (${decision.reason})`
        : `failed: ${decision.reason}`;
  return `attempt ${n}: ${answer}${detail ? ` (${detail})` : ''}; ${what}`;
}

function attemptRecord(outcome: CallOutcome, decision: Decision, at: number): AttemptRecord {
  const label =
    decision.type === 'done'
      ? 'started'
      : decision.type === 'retry'
        ? `retry:${decision.reason}`
        : `failed:${decision.code}`;
  if (outcome.ok) return { at, status: outcome.status, decision: label };
  const e = outcome.error;
  if (!(e instanceof ZoomApiError)) return { at, message: e.message, decision: label };
  return {
    at,
    status: e.status,
    ...(e.zoomCode !== undefined && { zoomCode: e.zoomCode }),
    ...(e.zoomMessage && { message: e.zoomMessage }),
    ...(e.trackingId !== undefined && { trackingId: e.trackingId }),
    decision: label,
  };
}

/** The progress after this attempt: counters, state, next due time, bounded history. */
function advance(
  progress: StartProgress,
  outcome: CallOutcome,
  decision: Decision,
  record: AttemptRecord,
): StartProgress {
  const history = [...progress.history, record].slice(-HISTORY_LIMIT);
  const base = {
    attempts: progress.attempts + 1,
    rateLimited:
      progress.rateLimited +
      (!outcome.ok && outcome.error instanceof ZoomApiError && outcome.error.status === 429
        ? 1
        : 0),
    history,
  };
  switch (decision.type) {
    case 'done':
      return { ...base, state: 'started', transientFailures: 0, notStartedRetries: 0 };
    case 'fail':
      return {
        ...base,
        state: 'failed',
        reason: decision.reason,
        transientFailures: progress.transientFailures,
        notStartedRetries: progress.notStartedRetries,
      };
    case 'retry':
      return {
        ...base,
        state: 'waiting',
        nextAttemptAt: decision.at,
        reason: decision.reason,
        transientFailures:
          decision.reason === 'zoom_unavailable' ? progress.transientFailures + 1 : 0,
        notStartedRetries:
          decision.reason === 'meeting_not_started' ? progress.notStartedRetries + 1 : 0,
      };
  }
}
