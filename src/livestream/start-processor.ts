import type { Job } from 'bullmq';
import type { Alert } from '../alerts/alerts';
import type { LivestreamSettings } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { Rule } from '../policy/rules';
import { noTracing, type Tracing } from '../telemetry/tracing';
import type { Grant, SlotReservation } from '../zoom/pacer';
import type { ZoomClient } from '../zoom/zoom-client';
import { advance, attemptRecord, describeAttempt } from './attempt-record';
import { decide } from './decide';
import { createCredentialsAlert } from './credentials-alert';
import { createJobRecorder } from './job-recorder';
import { accepted, deferred } from './start-outcome';
import { callOnce, openRun, runLogger, type StartRun } from './start-run';
import { deadlineBase, type StartJobData } from '../domain/start-job';
import type { InstanceFacts } from '../domain/instance-facts';
import type { Decision, RetryPolicy } from '../domain/decision';
import type { StartResult, StartProgress } from '../domain/start-progress';

export type { StartResult } from './job-recorder';

export interface StartPolicy extends RetryPolicy {
  /** 0 trusts Zoom's 204; otherwise an unconfirmed start is issued again after this long. */
  confirmTimeoutMs: number;
  /** Continued trouble (5xx, timeouts) raises one `zoom_unavailable` alert after this long; 0: never. */
  unavailableAlertAfterMs: number;
}

export interface StartProcessorDeps {
  zoom: ZoomClient;
  /** What Zoom told us about the job's meeting instance (ended, live, stopped). */
  facts: (jobId: string) => Promise<InstanceFacts>;
  rules: () => readonly Rule[];
  policy: StartPolicy;
  /** Settings from the environment; a rule's settings override them. */
  settings: LivestreamSettings;
  /**
   * Reserves the account-wide pacing slot for this run's Zoom call, or uses the one reserved
   * on the run that handed the job back (see `Pacer.acquire` with `reserveAhead`).
   */
  reserveSlot?: (reserved?: SlotReservation) => Promise<Grant>;
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
    const jobId = job.id ?? '';
    const log = runLogger(deps.log, job.data, jobId);
    const rec = createJobRecorder({
      job,
      token,
      log,
      now,
      ...(deps.alert && { alert: deps.alert }),
    });
    const run: StartRun = { job, data: job.data, jobId, log, rec };
    const opened = await openRun({ ...deps, now }, run);
    if ('result' in opened) return opened.result;
    const called = await callOnce({ ...deps, now, random }, run, opened.open);
    if ('result' in called) return called.result;
    const { progress, step } = opened.open;
    const { outcome } = called;
    const data = job.data;
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
