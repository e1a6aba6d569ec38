import type { WebhookOutcome } from '../webhook/webhook-router';
import { ZOOM_EVENTS } from '../webhook/zoom-events';

/**
 * Event names that become label values: the ones we act on, url validation, and `unknown` (not
 * yet verified). Any other name a signed sender makes up is counted as `other`, so the number of
 * series stays fixed.
 */
const KNOWN_EVENTS = new Set([...Object.keys(ZOOM_EVENTS), 'endpoint.url_validation', 'unknown']);

export function eventLabel(event: string): string {
  return KNOWN_EVENTS.has(event) ? event : 'other';
}

/** What the metric calls a webhook outcome. */
export type WebhookOutcomeLabel = Exclude<WebhookOutcome, 'cancelled'> | 'ended';

/**
 * An `*.ended` webhook records that the instance ended, whether or not a start of it is known (it
 * may arrive later): the metric says `ended`. Whether a start was cancelled is counted when the
 * worker finishes it (`zlw_start_jobs_finished_total{state="cancelled"}`).
 */
export function outcomeLabel(outcome: WebhookOutcome): WebhookOutcomeLabel {
  return outcome === 'cancelled' ? 'ended' : outcome;
}

/** How a start job ended, as its result says (`StartResult.state`). */
export const FINISHED_STATES = [
  'started',
  'live',
  'stopped',
  'skipped',
  'cancelled',
  'failed',
] as const;
export type FinishedState = (typeof FINISHED_STATES)[number];

export function finishedState(result: unknown): FinishedState | undefined {
  const state = (result as { state?: unknown } | null | undefined)?.state;
  return FINISHED_STATES.find((s) => s === state);
}
