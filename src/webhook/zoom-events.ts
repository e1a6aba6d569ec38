import type { EventKind, InstanceFact } from '../queue/start-queue';

/** What a Zoom event asks of us. */
/** The facts Zoom's events record (the others are an operator's). */
export type ZoomFact = Extract<InstanceFact, 'ended' | 'live' | 'stopped'>;
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

/** The webhook outcome for a fact (metrics and logs). */
export const FACT_OUTCOME = { ended: 'cancelled', live: 'confirmed', stopped: 'stopped' } as const;
