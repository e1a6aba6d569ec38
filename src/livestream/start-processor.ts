import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Alert, AlertType } from '../alerts/alerts';
import type { LivestreamSettings } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { matchRule, redactTarget, type Rule } from '../policy/rules';
import { deadlineBase, type InstanceFacts, type StartJobData } from '../queue/start-queue';
import { ZoomApiError, ZoomError } from '../zoom/errors';
import { PacerBusyError } from '../zoom/pacer';
import type { ZoomClient } from '../zoom/zoom-client';
import { decide, type CallOutcome, type Decision, type RetryPolicy } from './decide';
import {
  HISTORY_LIMIT,
  unscheduled,
  readProgress,
  type AttemptRecord,
  type StartProgress,
  type StartState,
} from './start-progress';

export interface StartResult {
  state: 'started' | 'live' | 'stopped' | 'skipped' | 'cancelled';
  attempts: number;
  /** ms from receiving `meeting.started` to Zoom accepting the start. */
  latencyMs?: number;
}

export interface StartPolicy extends RetryPolicy {
  /** 0 trusts Zoom's 204; otherwise an unconfirmed start is issued again after this long. */
  confirmTimeoutMs: number;
}

export interface StartProcessorDeps {
  zoom: ZoomClient;
  /** What Zoom told us about the job's meeting instance (ended, live, stopped). */
  facts: (jobId: string) => Promise<InstanceFacts>;
  rules: () => readonly Rule[];
  policy: StartPolicy;
  /** Settings from the environment; a rule's settings override them. */
  settings: LivestreamSettings;
  /** Holds every worker after Zoom's account-level 429. */
  pauseZoomCalls?: (ms: number) => Promise<void>;
  /** Queues an alert; absent when no alert endpoint is configured. */
  alert?: (alert: Alert) => Promise<unknown>;
  log: Logger;
  now?: () => number;
  random?: () => number;
  onDecision?: (decision: Decision, data: StartJobData, progress: StartProgress) => void;
}

type Step = { call: 'target'; rule: Rule } | { call: 'start'; rule: Rule };

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

  return async function processStart(job: Job<StartJobData>, token?: string): Promise<StartResult> {
    const data = job.data;
    const jobId = job.id ?? '';
    const log = deps.log.child({ meetingId: data.meetingId, jobId });
    let progress = readProgress(job.progress);
    let pendingLog: Promise<unknown> = Promise.resolve();
    const saveProgress = async (p: StartProgress): Promise<void> => {
      await Promise.all([job.updateProgress(p), pendingLog]);
    };

    const later = async (
      at: number,
      next: StartProgress,
      message: string,
      fields: object,
    ): Promise<never> => {
      await saveProgress(next);
      log.info(
        { ...fields, nextAttemptAt: new Date(at).toISOString(), attempts: next.attempts },
        message,
      );
      await job.moveToDelayed(at, token);
      throw new DelayedError();
    };
    const finish = async (
      state: StartResult['state'],
      next: StartProgress,
      message: string,
      reason?: string,
    ): Promise<StartResult> => {
      await saveProgress({
        ...unscheduled(next),
        state,
        ...(reason !== undefined && { reason }),
      } satisfies StartProgress);
      log.info({ attempts: next.attempts, reason, rule: next.rule }, message);
      return { state, attempts: next.attempts };
    };
    const fail = async (
      decision: Extract<Decision, { type: 'fail' }>,
      next: StartProgress,
      record?: AttemptRecord,
    ): Promise<never> => {
      const type: AlertType = decision.code === 'deadline' ? 'gave_up' : 'start_failed';
      next = await raise(type, decision.reason, next, record?.zoomCode);
      await saveProgress({
        ...unscheduled(next),
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
          attempts: next.attempts,
        },
        'livestream start failed',
      );
      throw new UnrecoverableError(decision.reason);
    };
    const raise = async (
      type: AlertType,
      reason: string,
      next: StartProgress,
      zoomCode?: number,
    ): Promise<StartProgress> => {
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
          jobId,
          at: new Date(now()).toISOString(),
        });
        return { ...next, alerts: [...(next.alerts ?? []), { type, at: now() }] };
      } catch (err) {
        log.error(
          { alert: type, err: { message: (err as Error).message } },
          'alert could not be queued',
        );
        return next;
      }
    };

    // What Zoom told us since the last step decides first.
    const facts = await deps.facts(jobId);
    if (facts.ended !== undefined)
      return finish(
        'cancelled',
        progress,
        'livestream start cancelled: meeting ended',
        'the meeting ended',
      );
    if (
      facts.stopped !== undefined &&
      (progress.acceptedAt !== undefined || facts.live !== undefined)
    ) {
      return finish(
        'stopped',
        { ...progress, confirmation: 'stopped' },
        'livestream stopped by the host; not restarted',
        'stopped by the host',
      );
    }
    if (facts.live !== undefined)
      return finish('live', { ...progress, confirmation: 'live' }, 'livestream confirmed live');
    if (progress.acceptedAt !== undefined) {
      // Accepted, but no confirmation within LIVESTREAM_CONFIRM_TIMEOUT_MS: alert once, then start again.
      const { acceptedAt: _, ...rest } = progress;
      progress = await raise(
        'confirmation_missing',
        `no confirmation within ${deps.policy.confirmTimeoutMs} ms of Zoom accepting the start; starting again`,
        { ...rest, confirmation: 'missing' },
      );
    }
    if (now() > deadlineBase(data) + deps.policy.giveUpAfterMs) {
      return fail(
        {
          type: 'fail',
          code: 'deadline',
          reason: 'gave up: the deadline passed before the next attempt',
        },
        progress,
      );
    }

    const rule = matchRule(deps.rules(), data);
    if (!rule)
      return finish('skipped', progress, 'livestream skipped: no rule matched', 'no rule matched');
    progress = {
      ...progress,
      rule: rule.name,
      ...(rule.stream && { target: redactTarget(rule.stream) }),
    };
    if (rule.action === 'skip')
      return finish(
        'skipped',
        progress,
        'livestream skipped by rule',
        `rule "${rule.name}" skips it`,
      );
    const step: Step =
      rule.stream && progress.targetSetFor !== rule.name
        ? { call: 'target', rule }
        : { call: 'start', rule };

    let outcome: CallOutcome;
    try {
      outcome = await callZoom(data, step);
    } catch (err) {
      if (!(err instanceof PacerBusyError)) throw err; // not a Zoom answer: BullMQ's attempts
      return later(
        now() + err.waitMs,
        { ...progress, state: 'waiting', nextAttemptAt: now() + err.waitMs, reason: 'paced' },
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
    let next = advance(progress, outcome, decision, record);
    deps.onDecision?.(decision, data, next);
    // Not awaited here: it travels with the progress update that every branch makes next.
    pendingLog = job.log(describeAttempt(next.attempts, record, decision, step.call));
    pendingLog.catch(() => undefined); // awaited (and its error surfaced) by saveProgress

    switch (decision.type) {
      case 'done': {
        if (step.call === 'target') {
          // Target set: the start call is the next step, queued now (and paced like any call).
          next = {
            ...next,
            targetSetFor: rule.name,
            state: 'waiting',
            reason: 'stream target set',
          };
          return later(now(), next, 'livestream target set', {
            status: record.status,
            rule: rule.name,
          });
        }
        const latencyMs = now() - data.receivedAt;
        if (deps.policy.confirmTimeoutMs > 0) {
          const at = now() + deps.policy.confirmTimeoutMs;
          next = {
            ...next,
            state: 'confirming',
            acceptedAt: now(),
            confirmation: 'awaiting',
            nextAttemptAt: at,
            reason: 'waiting for live_streaming_started',
          };
          log.info({ latencyMs, trackingId: record.trackingId }, 'livestream start accepted');
          return later(at, next, 'livestream awaiting confirmation', { reason: 'confirmation' });
        }
        await saveProgress(next);
        log.info(
          {
            status: record.status,
            trackingId: record.trackingId,
            attempts: next.attempts,
            latencyMs,
            rule: rule.name,
          },
          'livestream started',
        );
        return { state: 'started', attempts: next.attempts, latencyMs };
      }
      case 'retry': {
        // meeting.ended may have come while we were talking to Zoom: stop here, no further call.
        if ((await deps.facts(jobId)).ended !== undefined)
          return finish(
            'cancelled',
            next,
            'livestream start cancelled: meeting ended',
            'the meeting ended',
          );
        if (decision.reason === 'account_rate_limited')
          await deps.pauseZoomCalls?.(decision.at - now());
        return later(decision.at, next, 'livestream start deferred', {
          status: record.status,
          zoomCode: record.zoomCode,
          trackingId: record.trackingId,
          reason: decision.reason,
        });
      }
      case 'fail':
        return fail(decision, next, record);
    }
  };

  async function callZoom(data: StartJobData, step: Step): Promise<CallOutcome> {
    try {
      const answer =
        step.call === 'target'
          ? await deps.zoom.setStreamTarget(data.kind, data.meetingId, step.rule.stream!)
          : await deps.zoom.startLivestream(data.kind, data.meetingId, {
              ...deps.settings,
              ...step.rule.settings,
            });
      return { ok: true, status: answer.status };
    } catch (err) {
      if (err instanceof ZoomError) return { ok: false, error: err };
      throw err;
    }
  }
}

/** One human line per attempt for the job's log (shown by the dashboard). */
function describeAttempt(
  n: number,
  record: AttemptRecord,
  decision: Decision,
  call: Step['call'],
): string {
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
      ? call === 'target'
        ? 'stream target set'
        : 'stream start accepted'
      : decision.type === 'retry'
        ? `next attempt at ${new Date(decision.at).toISOString()} (${decision.reason})`
        : `failed: ${decision.reason}`;
  return `attempt ${n} (${call === 'target' ? 'set stream target' : 'start'}): ${answer}${detail ? ` (${detail})` : ''}; ${what}`;
}

function attemptRecord(
  outcome: CallOutcome,
  decision: Decision,
  at: number,
  call: Step['call'],
): AttemptRecord {
  const label =
    decision.type === 'done'
      ? call === 'target'
        ? 'target_set'
        : 'started'
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
  const rateLimited =
    !outcome.ok && outcome.error instanceof ZoomApiError && outcome.error.status === 429 ? 1 : 0;
  const { nextAttemptAt: _, reason: __, ...base } = progress;
  const common = {
    ...base,
    attempts: progress.attempts + 1,
    rateLimited: progress.rateLimited + rateLimited,
    history,
  };
  const state: Record<Decision['type'], StartState> = {
    done: 'started',
    fail: 'failed',
    retry: 'waiting',
  };
  switch (decision.type) {
    case 'done':
      return { ...common, state: state.done, transientFailures: 0, notStartedRetries: 0 };
    case 'fail':
      return { ...common, state: state.fail, reason: decision.reason };
    case 'retry':
      return {
        ...common,
        state: state.retry,
        nextAttemptAt: decision.at,
        reason: decision.reason,
        transientFailures:
          decision.reason === 'zoom_unavailable' ? progress.transientFailures + 1 : 0,
        notStartedRetries:
          decision.reason === 'meeting_not_started' ? progress.notStartedRetries + 1 : 0,
      };
  }
}
