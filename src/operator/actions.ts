import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Logger } from '../logging/create-logger';
import { endedMessage, retryStart } from './retry-start';
import {
  enqueueStart,
  readInstanceFacts,
  recordInstanceFact,
  type EnqueueResult,
} from '../queue/start-queue';
import { DEFAULT_ACCOUNT } from '../domain/account';
import { startJobId, type EventKind, type StartJobData } from '../domain/start-job';
import type { MeetingState } from '../domain/start-progress';
import { describeJob, type MeetingStatus } from '../status/meeting-status';
import { listMeetingStatuses } from '../status/read-statuses';
import type { ZoomClient } from '../zoom/zoom-client';

/**
 * What an operator can do to a meeting, whatever the front end (the CLI or the console): each
 * function checks, acts on the queue and logs the action with who did it.
 */
export interface InstanceOptions {
  uuid?: string;
  webinar?: boolean;
  /** Only this account's instances (its job ids, its data); unset: every account's. */
  account?: string;
}

export const IN_PLAY: readonly MeetingState[] = ['waiting', 'confirming', 'starting'];
const STREAMING: readonly MeetingState[] = [...IN_PLAY, 'started', 'live'];

const kindOf = (s: MeetingStatus): EventKind => (s.kind === 'webinar' ? 'webinar' : 'meeting');

/** The instances of `meeting` in one of `states`: the `uuid` one, or every one tracked. */
export async function instances(
  queue: Queue<StartJobData>,
  meeting: string,
  options: InstanceOptions,
  states: readonly MeetingState[],
): Promise<MeetingStatus[]> {
  const ours = (s: MeetingStatus) => options.account === undefined || s.account === options.account;
  if (options.uuid === undefined)
    return (await listMeetingStatuses(queue, meeting)).filter(
      (s) => states.includes(s.state) && ours(s),
    );
  const jobId = startJobId(options.webinar ? 'webinar' : 'meeting', options.uuid, options.account);
  const job = await queue.getJob(jobId);
  if (!job || job.data.meetingId !== meeting) return [];
  const state = await job.getState();
  if (state === 'unknown') return [];
  const status = describeJob(job, state, await readInstanceFacts(queue, jobId));
  return states.includes(status.state) && ours(status) ? [status] : [];
}

/** Cancels every waiting start of `meeting` (or the `uuid` one); answers those cancelled. */
export async function cancelWaiting(
  queue: Queue<StartJobData>,
  meeting: string,
  options: InstanceOptions,
  operator: string,
  log: Logger,
): Promise<MeetingStatus[]> {
  const waiting = await instances(queue, meeting, options, IN_PLAY);
  for (const s of waiting) {
    await recordInstanceFact(
      queue,
      kindOf(s),
      s.uuid,
      'cancelled',
      Date.now(),
      operator,
      s.account,
    );
    log.info(
      { action: 'cancel', operator, meetingId: meeting, topic: s.topic, jobId: s.jobId },
      'operator action',
    );
  }
  return waiting;
}

/**
 * `{"action":"stop"}` to Zoom through the paced client (a refusal throws its ZoomError), then
 * every tracked streaming instance (or the `uuid` one) is recorded as stopped by the operator.
 */
export async function stopLive(
  queue: Queue<StartJobData>,
  zoom: ZoomClient,
  meeting: string,
  options: InstanceOptions,
  operator: string,
  log: Logger,
): Promise<MeetingStatus[]> {
  const kind: EventKind = options.webinar ? 'webinar' : 'meeting';
  try {
    const answer = await zoom.stopLivestream(kind, meeting);
    log.info(
      { action: 'stop', operator, meetingId: meeting, trackingId: answer.trackingId },
      'operator action',
    );
  } catch (err) {
    log.warn(
      { action: 'stop', operator, meetingId: meeting, error: (err as Error).message },
      'operator action refused by Zoom',
    );
    throw err;
  }
  const streaming = await instances(queue, meeting, options, STREAMING);
  for (const s of streaming)
    await recordInstanceFact(
      queue,
      kindOf(s),
      s.uuid,
      'operatorStopped',
      Date.now(),
      operator,
      s.account,
    );
  return streaming;
}

export interface TriggerResult extends EnqueueResult {
  kind: EventKind;
  uuid: string;
  /** The meeting that owns the instance when it was already queued for another one. */
  otherOwner?: string;
}

/** Queues a start by hand, exactly as a webhook would (a generated instance id unless given). */
export async function triggerStart(
  queue: Queue<StartJobData>,
  meeting: string,
  options: InstanceOptions,
  operator: string,
  log: Logger,
): Promise<TriggerResult> {
  const kind: EventKind = options.webinar ? 'webinar' : 'meeting';
  const uuid = options.uuid ?? `manual-${meeting}-${randomBytes(6).toString('hex')}`;
  const added = await enqueueStart(queue, {
    kind,
    meetingId: meeting,
    uuid,
    receivedAt: Date.now(),
    source: 'manual',
    ...(options.account !== undefined &&
      options.account !== DEFAULT_ACCOUNT && { account: options.account }),
  });
  const owner = added.duplicate ? (await queue.getJob(added.jobId))?.data.meetingId : undefined;
  if (!added.duplicate)
    log.info(
      { action: 'trigger', operator, meetingId: meeting, jobId: added.jobId },
      'operator action',
    );
  return {
    ...added,
    kind,
    uuid,
    ...(owner !== undefined && owner !== meeting && { otherOwner: owner }),
  };
}

export type RetryMeetingResult =
  | { ok: true; jobId: string }
  | { ok: false; why: 'not_found' | 'not_failed' | 'ended'; message: string };

/** Re-runs the newest failed start of `meeting` (or the `uuid` one) from zero. */
export async function retryMeeting(
  queue: Queue<StartJobData>,
  meeting: string,
  options: InstanceOptions,
  operator: string,
  log: Logger,
): Promise<RetryMeetingResult> {
  let jobId: string;
  if (options.uuid !== undefined)
    jobId = startJobId(options.webinar ? 'webinar' : 'meeting', options.uuid, options.account);
  else {
    const statuses = (await listMeetingStatuses(queue, meeting)).filter(
      (s) => options.account === undefined || s.account === options.account,
    );
    const failed = statuses.find((s) => s.state === 'failed');
    if (!failed && statuses.some((s) => s.state === 'cancelled'))
      return { ok: false, why: 'ended', message: endedMessage(meeting) };
    if (!failed)
      return { ok: false, why: 'not_found', message: `no failed start for meeting ${meeting}` };
    jobId = failed.jobId;
  }
  const result = await retryStart(queue, jobId, Date.now());
  if (!result.ok) return result;
  log.info({ action: 'retry', operator, meetingId: meeting, jobId }, 'operator action');
  return { ok: true, jobId };
}
