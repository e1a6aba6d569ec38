import type { WebhookOutcome } from '../domain/webhook-outcome';

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
