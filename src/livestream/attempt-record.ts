import { ZoomApiError, ZoomNetworkError } from '../zoom/errors';
import type { CallOutcome } from './decide';
import type { Decision } from '../domain/decision';
import { HISTORY_LIMIT, type AttemptRecord, type StartProgress } from '../domain/start-progress';

/** Which Zoom call a step makes: set the stream target, or start the stream. */
export type CallKind = 'target' | 'start';

/** Zoom's answer (or the failure to get one) and what we decided, as kept in progress. */
export function attemptRecord(
  outcome: CallOutcome,
  decision: Decision,
  at: number,
  call: CallKind,
): AttemptRecord {
  const label = decisionLabel(decision, call);
  if (outcome.ok) return { at, status: outcome.status, decision: label };
  const e = outcome.error;
  if (!(e instanceof ZoomApiError)) {
    return {
      at,
      message: e.message,
      ...(e instanceof ZoomNetworkError && { errorCode: e.causeCode }),
      decision: label,
    };
  }
  return {
    at,
    status: e.status,
    ...(e.zoomCode !== undefined && { zoomCode: e.zoomCode }),
    ...(e.zoomMessage && { message: e.zoomMessage }),
    ...(e.trackingId !== undefined && { trackingId: e.trackingId }),
    decision: label,
  };
}

function decisionLabel(decision: Decision, call: CallKind): string {
  switch (decision.type) {
    case 'done':
      return call === 'target' ? 'target_set' : 'started';
    case 'retry':
      return `retry:${decision.reason}`;
    case 'fail':
      return `failed:${decision.code}`;
  }
}

/** One human line per attempt for the job's log (shown by the dashboard). */
export function describeAttempt(
  n: number,
  record: AttemptRecord,
  decision: Decision,
  call: CallKind,
): string {
  const answer =
    record.status !== undefined ? `Zoom answered ${record.status}` : 'no answer from Zoom';
  const detail = [
    record.zoomCode !== undefined ? `code ${record.zoomCode}` : '',
    record.errorCode ?? '',
    record.message ?? '',
    record.trackingId ? `tracking id ${record.trackingId}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const what =
    decision.type === 'done'
      ? call === 'target'
        ? 'stream target set'
        : 'stream start accepted'
      : decision.type === 'retry'
        ? `next attempt at ${new Date(decision.at).toISOString()} (${decision.reason})`
        : `failed: ${decision.reason}`;
  return `attempt ${n} (${call === 'target' ? 'set stream target' : 'start'}): ${answer}${detail ? ` (${detail})` : ''}; ${what}`;
}

/**
 * The progress after this attempt: counters, state, next due time, and a history of bounded
 * size however long the meeting waits: the last {@link HISTORY_LIMIT} answers in full, older
 * ones only counted by decision (`earlier`).
 */
export function advance(
  progress: StartProgress,
  outcome: CallOutcome,
  decision: Decision,
  record: AttemptRecord,
): StartProgress {
  const all = [...progress.history, record];
  const dropped = all.slice(0, Math.max(0, all.length - HISTORY_LIMIT));
  const earlier = { ...progress.earlier };
  for (const old of dropped) earlier[old.decision] = (earlier[old.decision] ?? 0) + 1;
  const rateLimited =
    !outcome.ok && outcome.error instanceof ZoomApiError && outcome.error.status === 429 ? 1 : 0;
  const { nextAttemptAt: _, reason: __, troubleSince, ...base } = progress;
  const common: StartProgress = {
    ...base,
    attempts: progress.attempts + 1,
    rateLimited: progress.rateLimited + rateLimited,
    history: all.slice(-HISTORY_LIMIT),
    ...(dropped.length > 0 && { earlier }),
  };
  switch (decision.type) {
    case 'done':
      return { ...common, state: 'started', transientFailures: 0, notStartedRetries: 0 };
    case 'fail':
      return { ...common, state: 'failed', reason: decision.reason };
    case 'retry': {
      const transient = decision.reason === 'zoom_unavailable';
      return {
        ...common,
        state: 'waiting',
        nextAttemptAt: decision.at,
        reason: decision.reason,
        // `counted` is the one source of the transient-failure counter (backoff exponent).
        transientFailures: decision.counted ? progress.transientFailures + 1 : 0,
        notStartedRetries:
          decision.reason === 'meeting_not_started' ? progress.notStartedRetries + 1 : 0,
        // When continued trouble began: the `zoom_unavailable` alert counts from here.
        ...(transient && { troubleSince: troubleSince ?? record.at }),
      };
    }
  }
}
