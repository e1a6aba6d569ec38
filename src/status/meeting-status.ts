import type { Job, JobState, Queue } from 'bullmq';
import {
  readProgress,
  type AttemptRecord,
  type MeetingState,
  type StartResult,
} from '../domain/start-progress';
import { readInstanceFacts } from '../queue/start-queue';
import { startSource, type StartJobData, type StartSource } from '../domain/start-job';
import type { InstanceFacts } from '../domain/instance-facts';
import type { StreamTarget } from '../domain/stream-target';
import { printable } from '../domain/plain-text';

export interface MeetingStatus {
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

const TRACKED: JobState[] = ['active', 'waiting', 'delayed', 'prioritized', 'failed', 'completed'];

/** Every tracked meeting instance (newest first), or those of one meeting id. */
export async function listMeetingStatuses(
  queue: Queue<StartJobData>,
  meetingId?: string,
  limit = 1000,
): Promise<MeetingStatus[]> {
  const statuses: MeetingStatus[] = [];
  for (const state of TRACKED) {
    const jobs = await queue.getJobs([state], 0, limit - 1, false);
    for (const job of jobs) {
      if (!job?.data || (meetingId !== undefined && job.data.meetingId !== meetingId)) continue;
      statuses.push(describeJob(job, state, await readInstanceFacts(queue, job.id ?? '')));
    }
  }
  return statuses.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
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

/** The human table of `status`; untrusted text is made {@link printable}. */
export function formatStatusTable(statuses: readonly MeetingStatus[], now: number): string {
  const row = (s: MeetingStatus) => [
    s.meetingId,
    s.state,
    String(s.attempts),
    formatAnswer(s.lastAnswer),
    s.nextAttemptAt
      ? `${s.nextAttemptAt.slice(11, 19)}Z (in ${Math.max(0, Math.round((Date.parse(s.nextAttemptAt) - now) / 1000))} s)`
      : '-',
    s.reason ?? '-',
  ];
  const rows = statuses.map((s) => row(s).map(printable));
  const header = ['MEETING', 'STATE', 'ATTEMPTS', 'LAST ZOOM ANSWER', 'NEXT ATTEMPT', 'REASON'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

/** The detailed view of one meeting instance; untrusted text is made {@link printable}. */
export function formatStatusDetail(s: MeetingStatus): string {
  const lines = [
    `meeting ${s.meetingId} (${s.kind}${s.topic ? `, "${s.topic}"` : ''})`,
    `  instance:      ${s.uuid}`,
    `  job:           ${s.jobId}`,
    `  source:        ${s.source}`,
    `  state:         ${s.state}`,
    `  received:      ${s.receivedAt}`,
    `  attempts:      ${s.attempts}`,
    `  last answer:   ${formatAnswer(s.lastAnswer)}`,
  ];
  if (s.nextAttemptAt) lines.push(`  next attempt:  ${s.nextAttemptAt}`);
  if (s.reason) lines.push(`  reason:        ${s.reason}`);
  if (s.rule) lines.push(`  rule:          ${s.rule}`);
  if (s.target)
    lines.push(
      `  target:        ${s.target.stream_url} key ${s.target.stream_key}, page ${s.target.page_url}${s.target.resolution ? `, ${s.target.resolution}` : ''}`,
    );
  lines.push(`  confirmation:  ${s.confirmation}`);
  if (s.alerts.length > 0)
    lines.push(`  alerts sent:   ${s.alerts.map((a) => `${a.type} at ${a.at}`).join(', ')}`);
  if (s.history.length > 0) {
    lines.push('  history:');
    for (const a of s.history)
      lines.push(
        `    ${new Date(a.at).toISOString()}  ${formatAnswer(a).padEnd(40)}  ${a.decision}`,
      );
  }
  return lines.map(printable).join('\n');
}

function formatAnswer(a: AttemptRecord | undefined): string {
  if (!a) return '-';
  const parts = [a.status !== undefined ? String(a.status) : 'no answer'];
  if (a.zoomCode !== undefined) parts.push(`code ${a.zoomCode}`);
  if (a.message) parts.push(a.message.length > 60 ? `${a.message.slice(0, 57)}...` : a.message);
  if (a.trackingId) parts.push(`[${a.trackingId}]`);
  return parts.join(' ');
}
