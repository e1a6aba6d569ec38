import type { Job } from 'bullmq';
import type { LivestreamSettings } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { Rule } from '../policy/rules';
import { PacerBusyError, type Grant, type SlotReservation } from '../zoom/pacer';
import type { ZoomClient } from '../zoom/zoom-client';
import type { CallKind } from './attempt-record';
import type { CallOutcome } from './decide';
import {
  chooseStep,
  SettledBeforeCall,
  settleFromFacts,
  withRule,
  type Step,
} from './instance-gate';
import type { JobRecorder } from './job-recorder';
import { callZoom } from './zoom-step';
import { deadlineBase, startSource, type StartJobData } from '../domain/start-job';
import type { InstanceFacts } from '../domain/instance-facts';
import { type StartResult, readProgress, type StartProgress } from '../domain/start-progress';

/** Facts older than this when the call leaves (it waited for its slot or a token) are read again. */
const FACTS_RECHECK_AFTER_MS = 100;

/** One run of a start job: its data, its logger and what it writes. */
export interface StartRun {
  job: Job<StartJobData>;
  data: StartJobData;
  jobId: string;
  log: Logger;
  rec: JobRecorder;
}

/** A run the gate let through: the Zoom call to make, its pacing slot, the progress so far. */
export interface OpenRun {
  progress: StartProgress;
  step: Step & { call: CallKind };
  slot: Promise<Grant> | undefined;
  /** `performance.now()` when the facts were read. */
  factsReadAt: number;
}

export interface GateDeps {
  facts: (jobId: string) => Promise<InstanceFacts>;
  rules: () => readonly Rule[];
  policy: { giveUpAfterMs: number; confirmTimeoutMs: number };
  /**
   * The account's pacing slot for this run's call: the one reserved on an earlier run if still
   * good, else the next. A slot beyond the inline wait is reserved and thrown back in a
   * `PacerBusyError` (see `Pacer.acquire` with `reserveAhead`).
   */
  reserveSlot?: (reserved?: SlotReservation) => Promise<Grant>;
  now: () => number;
}

/** The run's logger, with the meeting, job and source on every line. */
export function runLogger(log: Logger, data: StartJobData, jobId: string): Logger {
  return log.child({
    meetingId: data.meetingId,
    jobId,
    source: startSource(data),
    ...(data.topic !== undefined && { topic: data.topic }),
  });
}

/**
 * Everything before the Zoom call: the facts Zoom told us (ended, live, stopped), the missing
 * confirmation of an earlier start, the deadline and the rules. Either the run ends here (its
 * result) or the call to make.
 */
export async function openRun(
  deps: GateDeps,
  run: StartRun,
): Promise<{ result: StartResult } | { open: OpenRun }> {
  const { data, rec } = run;
  // A slot reserved on the run that handed the job back is presented once, then forgotten.
  const { reservedSlot, ...stored } = readProgress(run.job.progress);
  let progress: StartProgress = stored;
  const pastDeadline = deps.now() > deadlineBase(data) + deps.policy.giveUpAfterMs;
  const step = chooseStep(deps.rules(), data, progress.targetSetFor);
  // The pacing slot is reserved while the facts are read: one round trip for both. A slot left
  // unused (the meeting ended meanwhile) errs on the side of fewer calls.
  // Not for a run that most likely only records the confirmation it was woken for.
  const callLikely = !pastDeadline && step.call && progress.acceptedAt === undefined;
  const slot = callLikely ? deps.reserveSlot?.(reservedSlot) : undefined;
  slot?.catch(() => undefined); // awaited (and its error handled) by the call below

  const settled = settleFromFacts(await deps.facts(run.jobId), progress);
  const factsReadAt = performance.now();
  if (settled)
    return {
      result: await rec.finish(settled.state, settled.progress, settled.message, settled.reason),
    };
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
    return { result: await rec.fail({ type: 'fail', code: 'deadline', reason }, progress) };
  }
  progress = withRule(progress, step.rule);
  if (step.settle) {
    const { state, message, reason } = step.settle;
    return { result: await rec.finish(state, progress, message, reason) };
  }
  return { open: { progress, step, slot, factsReadAt } };
}

export interface CallDeps {
  zoom: ZoomClient;
  settings: LivestreamSettings;
  facts: (jobId: string) => Promise<InstanceFacts>;
  now: () => number;
  random: () => number;
}

/**
 * The run's one Zoom call, once its slot has come: Zoom's answer as an outcome, or the run ended
 * (settled meanwhile) or sent back (the pacer is busy). Anything else is thrown for BullMQ's
 * attempts.
 */
export async function callOnce(
  deps: CallDeps,
  run: StartRun,
  open: OpenRun,
): Promise<{ result: StartResult } | { outcome: CallOutcome }> {
  const { progress, step } = open;
  // The slot may be a second or two away: once it has come, right before the call, read the
  // facts again, so a meeting.ended acknowledged during the wait stops it. Facts read moments
  // ago (no real wait) are not read again: that would cost every call a round trip to Redis
  // for a window no wider than the PATCH's own time in flight.
  const beforeSend = async (): Promise<void> => {
    if (performance.now() - open.factsReadAt < FACTS_RECHECK_AFTER_MS) return;
    const late = settleFromFacts(await deps.facts(run.jobId), progress);
    if (late) throw new SettledBeforeCall(late);
  };
  try {
    return {
      outcome: await callZoom(deps.zoom, deps.settings, run.data, step, open.slot, beforeSend),
    };
  } catch (err) {
    if (err instanceof SettledBeforeCall) {
      const { state, progress: p, message, reason } = err.settled;
      return { result: await run.rec.finish(state, p, message, reason) };
    }
    if (!(err instanceof PacerBusyError)) throw err; // not a Zoom answer: BullMQ's attempts
    return { result: await handBack(deps, run, progress, err) };
  }
}

/**
 * The pacer's slot is further away than a short wait in place: the job goes to the delayed set
 * (not an attempt) and holds no worker slot meanwhile. With a reserved slot it comes back just
 * before it, and uses it; without one (a missed or void slot) it comes back at a spread-out time,
 * so jobs sent back together do not all return at the same moment.
 */
function handBack(
  deps: CallDeps,
  run: StartRun,
  progress: StartProgress,
  err: PacerBusyError,
): Promise<never> {
  const { reservation } = err;
  const at = reservation
    ? deps.now() + err.returnInMs
    : deps.now() + Math.round(err.waitMs * (1 + deps.random() / 5));
  const next: StartProgress = {
    ...progress,
    state: 'waiting',
    nextAttemptAt: at,
    reason: 'paced',
    ...(reservation && { reservedSlot: reservation }),
  };
  return run.rec.later(at, next, 'livestream start paced', {
    reason: 'paced',
    ...(reservation && { slotInMs: err.waitMs }),
  });
}
