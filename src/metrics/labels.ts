import { FINISHED_STATES, type FinishedState } from '../domain/start-progress';
import { ZOOM_EVENTS } from '../domain/zoom-events';

/**
 * Event names that become label values: the ones we act on, url validation, and `unknown` (not
 * yet verified). Any other name a signed sender makes up is counted as `other`, so the number of
 * series stays fixed.
 */
const KNOWN_EVENTS = new Set([...Object.keys(ZOOM_EVENTS), 'endpoint.url_validation', 'unknown']);

export function eventLabel(event: string): string {
  return KNOWN_EVENTS.has(event) ? event : 'other';
}

export function finishedState(result: unknown): FinishedState | undefined {
  const state = (result as { state?: unknown } | null | undefined)?.state;
  return FINISHED_STATES.find((s) => s === state);
}
