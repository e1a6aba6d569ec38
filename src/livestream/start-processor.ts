import type { Job } from 'bullmq';
import type { Alert } from '../alerts/alerts';
import type { LivestreamSettings } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { Rule } from '../policy/rules';
import { noTracing, type Tracing } from '../telemetry/tracing';
import {
  deadlineBase,
  startSource,
  type InstanceFacts,
  type StartJobData,
} from '../queue/start-queue';
import { PacerBusyError, type Grant } from '../zoom/pacer';
import type { ZoomClient } from '../zoom/zoom-client';
import { advance, attemptRecord, describeAttempt } from './attempt-record';
import { decide, type CallOutcome, type Decision, type RetryPolicy } from './decide';
import { chooseStep, SettledBeforeCall, settleFromFacts, withRule } from './instance-gate';
import { createCredentialsAlert, createJobRecorder, type StartResult } from './job-recorder';
import { accepted, deferred } from './start-outcome';
import { readProgress, type StartProgress } from './start-progress';
import { callZoom } from './zoom-step';

export type { StartResult } from './job-recorder';

export interface StartPolicy extends RetryPolicy {
  /** 0 trusts Zoom's 204; otherwise an unconfirmed start is issued again after this long. */
  confirmTimeoutMs: number;
  /** Continued trouble (5xx, timeouts) raises one `zoom_unavailable` alert after this long; 0: never. */
  unavailableAlertAfterMs: number;
}

/** Facts older than this when the call leaves (it waited for its slot or a token) are read again. */
const FACTS_RECHECK_AFTER_MS = 100;

export interface StartProcessorDeps {
  zoom: ZoomClient;
  /** What Zoom told us about the job's meeting instance (ended, live, stopped). */
  facts: (jobId: string) => Promise<InstanceFacts>;
  rules: () => readonly Rule[];
  policy: StartPolicy;
  /** Settings from the environment; a rule's settings override them. */
  settings: LivestreamSettings;
  /** Reserves the account-wide pacing slot for this run's Zoom call (see `Pacer.acquire`). */
  reserveSlot?: () => Promise<Grant>;
  /** Holds every worker after Zoom's account-level 429. */
  pauseZoomCalls?: (ms: number) => Promise<void>;
  /** Queues an alert; absent when no alert endpoint is configured. */
  alert?: (alert: Alert) => Promise<unknown>;
  log: Logger;
  now?: () => number;
  random?: () => number;
  onDecision?: (decision: Decision, data: StartJobData, progress: StartProgress) => void;
  /** The attempt's span gets the meeting, attempt number and decision. Default: none. */
  tracing?: Tracing;
}

/**
 * One step of starting a stream: at most one Zoom call per run, so pacing counts calls exactly.
 * Waits are never slept here: a retry moves the job to BullMQ's delayed set with the due time
 * (`moveToDelayed` + `DelayedError`, not counted as an attempt), so a worker killed during a 30 s
 * wait loses nothing and any worker makes the next call on time.
 * @see https://docs.bullmq.io/patterns/process-step-jobs#delaying
 */
export function createStartProcessor(deps: StartProcessorDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const alertCredentials = createCredentialsAlert();

  return async function processStart(job: Job<StartJobData>, token?: string): Promise<StartResult> {
    const data = job.data;
    const jobId = job.id ?? '';
    const log = deps.log.child({
      meetingId: data.meetingId,
      jobId,
      source: startSource(data),
      ...(data.topic !== undefined && { topic: data.topic }),
    });
    const rec = createJobRecorder({
      job,
      token,
      log,
      now,
      ...(deps.alert && { alert: deps.alert }),
    });
    let progress = readProgress(job.progress);

    const pastDeadline = now() > deadlineBase(data) + deps.policy.giveUpAfterMs;
    const step = chooseStep(deps.rules(), data, progress.targetSetFor);
    // The pacing slot is reserved while the facts are read: one round trip for both. A slot left
    // unused (the meeting ended meanwhile) errs on the side of fewer calls.
    // Not for a run that most likely only records the confirmation it was woken for.
    const callLikely = !pastDeadline && step.call && progress.acceptedAt === undefined;
    const slot = callLikely ? deps.reserveSlot?.() : undefined;
    slot?.catch(() => undefined); // awaited (and its error handled) by the call below

    const settled = settleFromFacts(await deps.facts(jobId), progress);
    const factsReadAt = performance.now();
    if (settled)
      return rec.finish(settled.state, settled.progress, settled.message, settled.reason);
    if (progress.acceptedAt !== undefined) {
      // Accepted, but no confirmation within LIVESTREAM_CONFIRM_TIMEOUT_MS: alert once, then start again.
      const { acceptedAt: _, ...rest } = progress;
      progress = await rec.raise(
        'confirmation_missing',
        `no confirmation within ${deps.policy.confirmTimeoutMs} ms of Zoom accepting the start; starting again`,
        { ...rest, confirmation: 'missing' },
      );
    }
    if (pastDeadline) {
      const reason = 'gave up: the deadline passed before the next attempt';
      return rec.fail({ type: 'fail', code: 'deadline', reason }, progress);
    }
    progress = withRule(progress, step.rule);
    if (step.settle) {
      const { state, message, reason } = step.settle;
      return rec.finish(state, progress, message, reason);
    }

    // The slot may be a second or two away: once it has come, right before the call, read the
    // facts again, so a meeting.ended acknowledged during the wait stops it. Facts read moments
    // ago (no real wait) are not read again: that would cost every call a round trip to Redis
    // for a window no wider than the PATCH's own time in flight.
    const settledProgress = progress;
    const beforeSend = async (): Promise<void> => {
      if (performance.now() - factsReadAt < FACTS_RECHECK_AFTER_MS) return;
      const late = settleFromFacts(await deps.facts(jobId), settledProgress);
      if (late) throw new SettledBeforeCall(late);
    };
    let outcome: CallOutcome;
    try {
      outcome = await callZoom(deps.zoom, deps.settings, data, step, slot, beforeSend);
    } catch (err) {
      if (err instanceof SettledBeforeCall) {
        const { state, progress: p, message, reason } = err.settled;
        return rec.finish(state, p, message, reason);
      }
      if (!(err instanceof PacerBusyError)) throw err; // not a Zoom answer: BullMQ's attempts
      // Spread out, so jobs sent back together do not all return at the same moment.
      const at = now() + Math.round(err.waitMs * (1 + random() / 5));
      return rec.later(
        at,
        { ...progress, state: 'waiting', nextAttemptAt: at, reason: 'paced' },
        'livestream start paced',
        { reason: 'paced' },
      );
    }
    const decision = decide({
      outcome,
      counters: progress,
      now: now(),
      receivedAt: deadlineBase(data),
      policy: deps.policy,
      random: random(),
    });
    const record = attemptRecord(outcome, decision, now(), step.call);
    const next = advance(progress, outcome, decision, record);
    deps.onDecision?.(decision, data, next);
    (deps.tracing ?? noTracing).annotate({
      'zoom.meeting.id': String(data.meetingId),
      'livestream.attempt': next.attempts,
      'livestream.decision': decision.type,
    });
    rec.logAttempt(describeAttempt(next.attempts, record, decision, step.call));

    const ctx = { job, rec, log, now, policy: deps.policy, facts: deps.facts, alertCredentials };
    switch (decision.type) {
      case 'done':
        return accepted(ctx, step, next, record);
      case 'retry':
        return deferred(
          ctx,
          { outcome, decision, pauseZoomCalls: deps.pauseZoomCalls },
          next,
          record,
        );
      case 'fail':
        return rec.fail(decision, next, record);
    }
  };
}
