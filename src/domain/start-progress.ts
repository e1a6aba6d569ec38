import type { AlertType } from './alert-type';
import type { RetryCounters } from './decision';
import type { StreamTarget } from './stream-target';

/**
 * How an operator sees one meeting instance, in the order `status --state` and the console list
 * them. A start job stored but not yet tried is `queued`, which an operator reads as `waiting`.
 */
export const MEETING_STATES = [
  'waiting',
  'starting',
  'confirming',
  'started',
  'live',
  'stopped',
  'skipped',
  'failed',
  'cancelled',
] as const;

export type MeetingState = (typeof MEETING_STATES)[number];

/** What an operator sees for a start job (stored as the BullMQ job's progress). */
export type StartState = 'queued' | MeetingState;

/** How a start job ended: the state of its result, or `failed`. */
export const FINISHED_STATES = [
  'started',
  'live',
  'stopped',
  'skipped',
  'cancelled',
  'failed',
] as const satisfies readonly MeetingState[];
export type FinishedState = (typeof FINISHED_STATES)[number];

/** What a start job returns to BullMQ when it finishes without failing. */
export interface StartResult {
  state: Exclude<FinishedState, 'failed'>;
  attempts: number;
  /** ms from receiving `meeting.started` to Zoom accepting the start. */
  latencyMs?: number;
}

/** Whether Zoom told us the stream is really live (`…live_streaming_started`). */
export type Confirmation = 'awaiting' | 'live' | 'stopped' | 'missing';

/**
 * A pacing slot reserved ahead for a job handed back to the queue until it: its time on Redis'
 * clock and the account's pause count when it was reserved (a later account pause voids it).
 */
export interface SlotReservation {
  at: number;
  epoch: number;
}

/** One Zoom answer (or failure to get one). */
export interface AttemptRecord {
  at: number;
  status?: number;
  zoomCode?: number;
  message?: string;
  trackingId?: string;
  /** Node's or undici's code when no answer came (`ECONNRESET`, `TIMEOUT`, …). */
  errorCode?: string;
  /** `started`, `target_set`, `retry:<reason>`, `failed:<code>`. */
  decision: string;
}

export interface StartProgress extends RetryCounters {
  state: StartState;
  /** Zoom start calls made so far. */
  attempts: number;
  /** Livestream and account 429s so far (these never count towards failure). */
  rateLimited: number;
  nextAttemptAt?: number;
  /** Why the job waits or failed, in words. */
  reason?: string;
  /** The latest answers, newest last (at most {@link HISTORY_LIMIT}). */
  history: AttemptRecord[];
  /** Older answers, no longer kept in full, counted by decision (`retry:livestream_rate_limited`: 475). */
  earlier?: Record<string, number>;
  /** Since when Zoom has been failing without a usable answer (5xx, timeouts), while it lasts. */
  troubleSince?: number;
  /** The rule that decided, and the target it sets (stream key redacted). */
  rule?: string;
  target?: StreamTarget;
  /** The rule whose stream target Zoom accepted (set once per rule). */
  targetSetFor?: string;
  /** When Zoom accepted the start; cleared when a missing confirmation sends it again. */
  acceptedAt?: number;
  confirmation?: Confirmation;
  /** Alerts queued for this meeting. */
  alerts?: { type: AlertType; at: number }[];
  /** The pacing slot this waiting job returns for (it waits in BullMQ's delayed set until then). */
  reservedSlot?: SlotReservation;
}

/**
 * Answers kept in full. A four-hour wait on 30 s 429s is about 480 attempts: the rest are counted
 * in `earlier`, so a waiting meeting costs a few KB of Redis however long it waits.
 */
export const HISTORY_LIMIT = 5;

export const EMPTY_PROGRESS: StartProgress = {
  state: 'queued',
  attempts: 0,
  rateLimited: 0,
  transientFailures: 0,
  notStartedRetries: 0,
  history: [],
};

/** Progress with no next attempt scheduled (the job finished, failed or was re-queued). */
export function unscheduled(progress: StartProgress): StartProgress {
  const { nextAttemptAt: _, ...rest } = progress;
  return rest;
}

/** The progress stored on a job, or the empty one for a job never tried (progress is 0). */
export function readProgress(progress: unknown): StartProgress {
  if (progress && typeof progress === 'object' && 'state' in progress && 'history' in progress) {
    return progress as StartProgress;
  }
  return { ...EMPTY_PROGRESS, history: [] };
}
