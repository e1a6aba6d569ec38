import type { Job } from 'bullmq';
import type { Logger } from '../logging/create-logger';
import type { CallKind } from './attempt-record';
import type { CallOutcome } from './decide';
import type { Step } from './instance-gate';
import { answerFields } from './answer-fields';
import type { createCredentialsAlert } from './credentials-alert';
import type { JobRecorder } from './job-recorder';
import type { InstanceFacts } from '../domain/instance-facts';
import type { StartJobData } from '../domain/start-job';
import type { Decision } from '../domain/decision';
import type { StartResult, AttemptRecord, StartProgress } from '../domain/start-progress';

/** What carrying out a decision needs from the run that made it. */
export interface OutcomeContext {
  job: Job<StartJobData>;
  rec: JobRecorder;
  log: Logger;
  now: () => number;
  policy: { confirmTimeoutMs: number; unavailableAlertAfterMs: number };
  facts: (jobId: string) => Promise<InstanceFacts>;
  alertCredentials: ReturnType<typeof createCredentialsAlert>;
}

/**
 * Zoom accepted the call: a stream target set queues the start at once; an accepted start either
 * waits for its confirmation (`LIVESTREAM_CONFIRM_TIMEOUT_MS`) or completes the job.
 */
export async function accepted(
  ctx: OutcomeContext,
  step: Step & { call: CallKind },
  next: StartProgress,
  record: AttemptRecord,
): Promise<StartResult> {
  const { rec, log, now } = ctx;
  if (step.call === 'target') {
    // Target set: the start call is the next step, queued now (and paced like any call).
    next = { ...next, targetSetFor: step.rule.name, state: 'waiting', reason: 'stream target set' };
    return rec.later(now(), next, 'livestream target set', {
      status: record.status,
      rule: step.rule.name,
    });
  }
  const latencyMs = now() - ctx.job.data.receivedAt;
  if (ctx.policy.confirmTimeoutMs > 0) {
    const at = now() + ctx.policy.confirmTimeoutMs;
    next = {
      ...next,
      state: 'confirming',
      acceptedAt: now(),
      confirmation: 'awaiting',
      nextAttemptAt: at,
      reason: 'waiting for live_streaming_started',
    };
    log.info({ latencyMs, trackingId: record.trackingId }, 'livestream start accepted');
    return rec.later(at, next, 'livestream awaiting confirmation', { reason: 'confirmation' });
  }
  // Not awaited: BullMQ completes the job next, on the same connection, so the progress
  // and log line go out ahead of it in one round trip (Redis runs them in order).
  rec
    .save(next)
    .catch((err: Error) =>
      log.warn({ err: { message: err.message } }, 'progress of a started stream not saved'),
    );
  log.info(
    {
      status: record.status,
      trackingId: record.trackingId,
      attempts: next.attempts,
      latencyMs,
      rule: step.rule.name,
    },
    'livestream started',
  );
  return { state: 'started', attempts: next.attempts, latencyMs };
}

/**
 * A retry: the job sleeps in BullMQ's delayed set until the decision's time, after the alerts
 * the answer calls for (continued trouble, rejected credentials), and an account-level 429
 * pauses every worker.
 */
export async function deferred(
  ctx: OutcomeContext,
  answer: {
    outcome: CallOutcome;
    decision: Extract<Decision, { type: 'retry' }>;
    pauseZoomCalls: ((ms: number) => Promise<void>) | undefined;
  },
  next: StartProgress,
  record: AttemptRecord,
): Promise<never> {
  const { rec, now, job } = ctx;
  const { outcome, decision } = answer;
  if (decision.reason === 'account_rate_limited')
    await answer.pauseZoomCalls?.(decision.at - now());
  next = await rec.raiseIfLongTrouble(next, record, ctx.policy.unavailableAlertAfterMs);
  if (!outcome.ok) next = await ctx.alertCredentials(rec, outcome.error, next);
  const moved = rec.later(decision.at, next, 'livestream start deferred', {
    reason: decision.reason,
    ...answerFields(record),
    ...(next.troubleSince !== undefined && { troubleSinceMs: now() - next.troubleSince }),
  });
  // meeting.ended (or an operator's cancel or stop) may have come while we were talking to
  // Zoom, when it could not wake a job that was not waiting yet. Read after the move (same
  // connection, so Redis runs it after): an earlier `ended` shows here, a later one finds the job
  // delayed and wakes it. If so, wake it now; its next run records the cancellation without
  // calling Zoom.
  const endedMeanwhile = ctx.facts(job.id ?? '').then(
    (f) => f.ended !== undefined || f.cancelled !== undefined || f.operatorStopped !== undefined,
    () => false,
  );
  try {
    return await moved;
  } finally {
    if (await endedMeanwhile) await job.promote().catch(() => undefined);
  }
}
