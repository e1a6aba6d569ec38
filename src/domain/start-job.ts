import { DEFAULT_ACCOUNT } from './account';

/** A Zoom meeting or a Zoom webinar: the two kinds of instance the service starts streams for. */
export type EventKind = 'meeting' | 'webinar';

/** What queued a start: Zoom's webhook, the reconciliation sweep, or an operator (`trigger`). */
export type StartSource = 'webhook' | 'reconcile' | 'manual';

/**
 * What the worker needs to start one stream: identifiers and the few fields rules and operators
 * read. Never secrets, never the whole webhook payload.
 */
export interface StartJobData {
  kind: EventKind;
  /** Meeting or webinar number as a digit string (used in Zoom API paths). */
  meetingId: string;
  /** Zoom's id of this instance of the meeting. */
  uuid: string;
  topic?: string;
  hostId?: string;
  meetingType?: number;
  /** When we received `meeting.started` (ms); the give-up deadline counts from here. */
  receivedAt: number;
  /** Set by a manual retry: the give-up deadline then counts from here. */
  retriedAt?: number;
  /** What queued it. Jobs stored before `manual` existed say `cli`: read it with {@link startSource}. */
  source: StartSource | 'cli';
  /**
   * The account (see `accounts/`) whose credentials, pacing and rules serve this start. Absent in
   * jobs stored before accounts existed and for the default account: read it with `accountOf`.
   */
  account?: string;
}

/** The job's source, with the `cli` of older jobs read as `manual`. */
export const startSource = (data: Pick<StartJobData, 'source'>): StartSource =>
  data.source === 'cli' ? 'manual' : data.source;

/** When the give-up deadline starts counting for this job. */
export const deadlineBase = (data: StartJobData): number => data.retriedAt ?? data.receivedAt;

/**
 * One job per meeting instance and account. BullMQ ids may not contain `:` or be all digits, and
 * Zoom uuids can hold `/`, `+` and `=`, so the uuid is base64url-encoded behind a kind prefix.
 * Another account's instance gets its name in front (`campus.meeting-…`): two accounts never share
 * a job, even for the same uuid. The default account keeps the bare id, so jobs stored before
 * accounts existed still deduplicate the redeliveries of their instance.
 */
export function startJobId(
  kind: EventKind,
  uuid: string,
  account: string = DEFAULT_ACCOUNT,
): string {
  const id = `${kind}-${Buffer.from(uuid, 'utf8').toString('base64url')}`;
  return account === DEFAULT_ACCOUNT ? id : `${account}.${id}`;
}
