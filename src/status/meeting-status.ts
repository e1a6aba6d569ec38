import type { Job, JobState } from 'bullmq';
import {
  readProgress,
  type AttemptRecord,
  type MeetingState,
  type StartResult,
} from '../domain/start-progress';
import { startSource, type StartJobData, type StartSource } from '../domain/start-job';
import type { InstanceFacts } from '../domain/instance-facts';
import type { StreamTarget } from '../domain/stream-target';
import { accountOf } from '../domain/account';

export interface MeetingStatus {
  /** The account the start belongs to (`default` for jobs stored before accounts existed). */
  account: string;
  meetingId: string;
  uuid: string;
  kind: string;
  topic: string | undefined;
  hostId?: string;
  jobId: string;
  /** What queued the start: webhook, reconcile (the sweep found it live) or manual. */
  source: StartSource;
  state: MeetingState;
  /** Zoom start calls made. */
  attempts: number;
  receivedAt: string;
  lastAnswer: AttemptRecord | undefined;
  nextAttemptAt: string | undefined;
  /** Why it waits, failed, was skipped or cancelled. */
  reason: string | undefined;
  /** The rule that decided, and its stream target with the key redacted. */
  rule: string | undefined;
  target: StreamTarget | undefined;
  /** live / stopped (from Zoom's live_streaming events), awaiting, missing, or unknown. */
  confirmation: string;
  alerts: { type: string; at: string }[];
  history: AttemptRecord[];
  /** Older answers no longer kept in full, counted by decision. */
  earlier?: Record<string, number>;
}

/** One job as a {@link MeetingStatus}; `state` is the job's BullMQ state. */
export function describeJob(
  job: Job<StartJobData>,
  state: JobState,
  facts: InstanceFacts = {},
): MeetingStatus {
  const progress = readProgress(job.progress);
  // An operator's cancel or stop counts at once, before the worker's next step records it.
  const result = job.returnvalue as StartResult | null | undefined;
  const operator = operatorSettled(facts, state, result?.state);
  const meetingState: MeetingState = operator
    ? operator.state
    : state === 'active'
      ? 'starting'
      : state === 'failed'
        ? 'failed'
        : state === 'completed'
          ? (result?.state ?? 'started')
          : progress.state === 'confirming'
            ? 'confirming'
            : 'waiting';
  const waiting = meetingState === 'waiting' || meetingState === 'confirming';
  const confirmation =
    facts.stopped !== undefined
      ? 'stopped'
      : facts.live !== undefined
        ? 'live'
        : (progress.confirmation ?? 'unknown');
  return {
    account: accountOf(job.data),
    meetingId: job.data.meetingId,
    uuid: job.data.uuid,
    kind: job.data.kind,
    topic: job.data.topic,
    ...(job.data.hostId !== undefined && { hostId: job.data.hostId }),
    jobId: job.id ?? '',
    source: startSource(job.data),
    state: meetingState,
    attempts: progress.attempts,
    receivedAt: new Date(job.data.receivedAt).toISOString(),
    lastAnswer: progress.history.at(-1),
    nextAttemptAt:
      waiting && progress.nextAttemptAt
        ? new Date(progress.nextAttemptAt).toISOString()
        : undefined,
    reason: operator
      ? operator.reason
      : meetingState === 'failed'
        ? job.failedReason
        : waiting && progress.state === 'queued'
          ? (progress.reason ?? 'queued: first attempt not made yet')
          : meetingState === 'started' || meetingState === 'live'
            ? undefined
            : progress.reason,
    rule: progress.rule,
    target: progress.target,
    confirmation,
    alerts: (progress.alerts ?? []).map((a) => ({
      type: a.type,
      at: new Date(a.at).toISOString(),
    })),
    history: progress.history,
    ...(progress.earlier && { earlier: progress.earlier }),
  };
}

/** An operator's cancel (of a start in play) or stop (of one in play or started). */
function operatorSettled(
  facts: InstanceFacts,
  state: JobState,
  finished: MeetingState | undefined,
): { state: 'cancelled' | 'stopped'; reason: string } | undefined {
  const by = facts.operator !== undefined ? ` (${facts.operator})` : '';
  const inPlay = state !== 'completed' && state !== 'failed';
  if (facts.ended !== undefined) return undefined;
  const streaming =
    inPlay || (state === 'completed' && (finished === 'started' || finished === 'live'));
  if (facts.operatorStopped !== undefined && streaming)
    return { state: 'stopped', reason: `stopped by the operator${by}` };
  if (facts.cancelled !== undefined && inPlay)
    return { state: 'cancelled', reason: `cancelled by the operator${by}` };
  return undefined;
}
