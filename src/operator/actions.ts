import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging/create-logger';
import {
  enqueueStart,
  readInstanceFacts,
  recordInstanceFact,
  type EnqueueResult,
} from '../queue/start-queue';
import type { AccountQueues, InstanceOptions } from './account-queues';
import { accountOf } from '../domain/account';
import { DEFAULT_ACCOUNT } from '../domain/account';
import { startJobId, type EventKind, type StartJobData } from '../domain/start-job';
import type { MeetingState } from '../domain/start-progress';
import { describeJob, type MeetingStatus } from '../status/meeting-status';
import { listMeetingStatuses } from '../status/read-statuses';
import type { ZoomClient } from '../zoom/zoom-client';

/**
 * What an operator can do to a meeting, whatever the front end (the CLI or the console): each
 * function checks, acts on the account's shard of the queue and logs the action with who did it.
 */
export { retryMeeting, type RetryMeetingResult } from './retry-start';
export type { AccountQueues, InstanceOptions };

export const IN_PLAY: readonly MeetingState[] = ['waiting', 'confirming', 'starting'];
const STREAMING: readonly MeetingState[] = [...IN_PLAY, 'started', 'live'];

const kindOf = (s: MeetingStatus): EventKind => (s.kind === 'webinar' ? 'webinar' : 'meeting');

/**
 * The instances of the account's `meeting` in one of `states`: the `uuid` one, or every one
 * tracked. Another account's meeting with the same number is never among them.
 */
export async function instances(
  queues: AccountQueues,
  meeting: string,
  options: InstanceOptions,
  states: readonly MeetingState[],
): Promise<MeetingStatus[]> {
  const account = accountOf(options);
  const queue = await queues.forAccount(account);
  if (options.uuid === undefined)
    return (await listMeetingStatuses([queue], meeting, { accounts: new Set([account]) })).filter(
      (s) => states.includes(s.state),
    );
  const jobId = startJobId(options.webinar ? 'webinar' : 'meeting', options.uuid, account);
  const job = await queue.getJob(jobId);
  if (!job || job.data.meetingId !== meeting) return [];
  const state = await job.getState();
  if (state === 'unknown') return [];
  const status = describeJob(job, state, await readInstanceFacts(queue, jobId));
  return states.includes(status.state) ? [status] : [];
}

/** Cancels every waiting start of `meeting` (or the `uuid` one); answers those cancelled. */
export async function cancelWaiting(
  queues: AccountQueues,
  meeting: string,
  options: InstanceOptions,
  operator: string,
  log: Logger,
): Promise<MeetingStatus[]> {
  const account = accountOf(options);
  const queue = await queues.forAccount(account);
  const waiting = await instances(queues, meeting, options, IN_PLAY);
  for (const s of waiting) {
    await recordInstanceFact(queue, kindOf(s), s.uuid, 'cancelled', Date.now(), operator, account);
    log.info(
      { action: 'cancel', operator, account, meetingId: meeting, topic: s.topic, jobId: s.jobId },
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
  queues: AccountQueues,
  /** The account's own client: its credentials and its pacer. */
  zoom: ZoomClient,
  meeting: string,
  options: InstanceOptions,
  operator: string,
  log: Logger,
): Promise<MeetingStatus[]> {
  const kind: EventKind = options.webinar ? 'webinar' : 'meeting';
  const account = accountOf(options);
  try {
    const answer = await zoom.stopLivestream(kind, meeting);
    log.info(
      { action: 'stop', operator, account, meetingId: meeting, trackingId: answer.trackingId },
      'operator action',
    );
  } catch (err) {
    log.warn(
      { action: 'stop', operator, account, meetingId: meeting, error: (err as Error).message },
      'operator action refused by Zoom',
    );
    throw err;
  }
  const queue = await queues.forAccount(account);
  const streaming = await instances(queues, meeting, options, STREAMING);
  for (const s of streaming)
    await recordInstanceFact(
      queue,
      kindOf(s),
      s.uuid,
      'operatorStopped',
      Date.now(),
      operator,
      account,
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
  queues: AccountQueues,
  meeting: string,
  options: InstanceOptions,
  operator: string,
  log: Logger,
): Promise<TriggerResult> {
  const kind: EventKind = options.webinar ? 'webinar' : 'meeting';
  const account = accountOf(options);
  const queue = await queues.forAccount(account);
  const uuid = options.uuid ?? `manual-${meeting}-${randomBytes(6).toString('hex')}`;
  const data: StartJobData = {
    kind,
    meetingId: meeting,
    uuid,
    receivedAt: Date.now(),
    source: 'manual',
    // The default account's jobs keep the shape of the release before accounts.
    ...(account !== DEFAULT_ACCOUNT && { account }),
  };
  const added = await enqueueStart(queue, data);
  const owner = added.duplicate ? (await queue.getJob(added.jobId))?.data.meetingId : undefined;
  if (!added.duplicate)
    log.info(
      { action: 'trigger', operator, account, meetingId: meeting, jobId: added.jobId },
      'operator action',
    );
  return {
    ...added,
    kind,
    uuid,
    ...(owner !== undefined && owner !== meeting && { otherOwner: owner }),
  };
}
