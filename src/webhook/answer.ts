import type { WebhookOutcome } from '../domain/webhook-outcome';
import type { EventKind, StartJobData } from '../domain/start-job';
import type { ZoomFact } from '../domain/zoom-events';

export type { WebhookOutcome } from '../domain/webhook-outcome';

/** Fields of the one log line per webhook, filled in as the request is decided. */
export type LogFields = Record<string, unknown>;

/** The receiver's answer to one request: what Zoom is sent, and what the log and metrics say. */
export interface Answer {
  /** Zoom's event name, or `unknown` before the body is believed. */
  event: string;
  outcome: WebhookOutcome;
  status: number;
  /** Sent as JSON; no body when absent. */
  body?: object;
  fields: LogFields;
}

export function jsonError(code: string, message: string): { error: string; message: string } {
  return { error: code, message };
}

/**
 * What a believed event asks to be stored before Zoom is answered; `account` is absent for the
 * default account (as in the job data).
 */
export type Work =
  | { type: 'enqueue'; data: StartJobData }
  | {
      type: 'record';
      kind: EventKind;
      uuid: string;
      fact: ZoomFact;
      at: number;
      account?: string;
    };

/** Answered now, or once the work is stored (see `settle`). */
export type Decision =
  | { type: 'answer'; answer: Answer }
  | { type: 'store'; work: Work; event: string; fields: LogFields };
