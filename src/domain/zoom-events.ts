import type { InstanceFact } from './instance-facts';
import type { EventKind } from './start-job';

/** The facts Zoom's events record (the others are an operator's). */
export type ZoomFact = Extract<InstanceFact, 'ended' | 'live' | 'stopped'>;

/** What a Zoom event asks of us. */
export type EventAction =
  { type: 'start'; kind: EventKind } | { type: 'fact'; kind: EventKind; fact: ZoomFact };

/**
 * The events we act on. `*.started` queues a start; the others record a fact about the instance
 * (ended → no more calls; live_streaming_started → confirmed; live_streaming_stopped → the host
 * stopped it, not restarted). Any other signed event is acknowledged and ignored.
 * @see https://developers.zoom.us/docs/api/meetings/events/
 */
export const ZOOM_EVENTS: Readonly<Record<string, EventAction>> = {
  'meeting.started': { type: 'start', kind: 'meeting' },
  'webinar.started': { type: 'start', kind: 'webinar' },
  'meeting.ended': { type: 'fact', kind: 'meeting', fact: 'ended' },
  'webinar.ended': { type: 'fact', kind: 'webinar', fact: 'ended' },
  'meeting.live_streaming_started': { type: 'fact', kind: 'meeting', fact: 'live' },
  'webinar.live_streaming_started': { type: 'fact', kind: 'webinar', fact: 'live' },
  'meeting.live_streaming_stopped': { type: 'fact', kind: 'meeting', fact: 'stopped' },
  'webinar.live_streaming_stopped': { type: 'fact', kind: 'webinar', fact: 'stopped' },
};

/**
 * The webhook outcome for a fact (metrics and logs). An `*.ended` webhook records that the instance
 * ended, whether or not a start of it is known (it may arrive later): the outcome says `ended`.
 * Whether a start was cancelled is counted when the worker finishes it.
 */
export const FACT_OUTCOME = { ended: 'ended', live: 'confirmed', stopped: 'stopped' } as const;
