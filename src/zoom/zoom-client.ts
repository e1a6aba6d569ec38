import type { Dispatcher } from 'undici';
import type { LivestreamSettings } from '../config/load-config';
import type { StreamTarget } from '../domain/stream-target';
import type { EventKind } from '../domain/start-job';
import { answerError, sendOnce, type RawAnswer } from './http';
import type { Tracing } from '../telemetry/tracing';
import { PacerBusyError, type Grant, type Pacer } from './pacer';
import type { TokenProvider } from './token-provider';

export interface ZoomSuccess {
  status: number;
  trackingId: string | undefined;
}

/** Per call: a pacing slot the caller reserved ahead (so its Redis trip overlaps other reads). */
export interface CallOptions {
  slot?: Promise<Grant>;
  /**
   * Runs once the pacing slot has come, right before each request leaves (a repeat with a new
   * token included): a call whose reason went away during the wait (the meeting ended) throws
   * here, and nothing is sent.
   */
  beforeSend?: () => Promise<void>;
  /**
   * A new slot taken here (the caller's went stale) is reserved even when far away, and handed
   * back in the `PacerBusyError` (a start job then waits for it in the queue). Off for calls
   * that cannot come back for a slot, such as an operator's stop.
   */
  reserveAhead?: boolean;
}

export interface ZoomClient {
  /**
   * `PATCH /meetings/{id}/livestream/status` (or `/webinars/…`) with
   * `{"action":"start","settings":{…}}` as JSON — the shape in Zoom's OpenAPI document.
   * Resolves on 2xx; throws a `ZoomError` otherwise.
   */
  startLivestream(
    kind: EventKind,
    meetingId: string,
    settings: LivestreamSettings,
    options?: CallOptions,
  ): Promise<ZoomSuccess>;
  /** The same endpoint with `{"action":"stop"}`: ends a live stream (an operator's `stop`). */
  stopLivestream(kind: EventKind, meetingId: string, options?: CallOptions): Promise<ZoomSuccess>;
  /** `PATCH /meetings/{id}/livestream` (or `/webinars/…`): where the stream goes. */
  setStreamTarget(
    kind: EventKind,
    meetingId: string,
    target: StreamTarget,
    options?: CallOptions,
  ): Promise<ZoomSuccess>;
}

export interface ZoomClientDeps {
  baseUrl: string;
  dispatcher: Dispatcher;
  tokens: TokenProvider;
  timeoutMs: number;
  /** Account-wide pacing; every API call (not the OAuth call) waits for a slot. */
  pacer?: Pacer;
  now?: () => number;
  /** Called once per HTTP answer (metrics). */
  onAnswer?: (endpoint: string, status: number | 'error') => void;
  /** Each call is a client span of this; default: none. */
  tracing?: Tracing;
}

const PATHS: Record<EventKind, string> = { meeting: 'meetings', webinar: 'webinars' };
/** Slots that went stale during the last check before the job is handed back to the queue. */
const MAX_STALE_CHECKS = 3;
const STALE_BACKOFF_MS = 1000;

/** Sends one request at its pacing slot, counting its answer (or its failure) for the metrics. */
async function sendPaced(
  deps: ZoomClientDeps,
  endpoint: string,
  path: string,
  body: object,
  token: string,
  reserved: Grant | undefined,
  beforeSend: (() => Promise<void>) | undefined,
  reserveAhead: boolean,
): Promise<RawAnswer> {
  await leaveOnSlot(deps.pacer, reserved, beforeSend, reserveAhead);
  try {
    const answer = await sendOnce(deps.dispatcher, endpoint, `${deps.baseUrl}${path}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
      timeoutMs: deps.timeoutMs,
      ...(deps.tracing && { tracing: deps.tracing }),
    });
    deps.onAnswer?.(endpoint, answer.status);
    return answer;
  } catch (err) {
    deps.onAnswer?.(endpoint, 'error');
    throw err;
  }
}

/**
 * One PATCH with a bearer token; an expired or replaced token (401, Zoom error 124) gets one new
 * token and one more try. Resolves on 2xx; throws a `ZoomError` otherwise.
 */
async function patch(
  deps: ZoomClientDeps,
  endpoint: string,
  path: string,
  body: object,
  options: CallOptions = {},
): Promise<ZoomSuccess> {
  const now = deps.now ?? Date.now;
  let slot = options.slot;
  const send = async (token: string): Promise<RawAnswer> => {
    // The first send may use the caller's slot, unless getting the token took it past its time
    // (a refresh): a late slot would bunch calls on arrival. A repeat (new token) takes its own.
    const reserved = slot && (await slot);
    slot = undefined;
    const ahead = options.reserveAhead === true;
    return sendPaced(deps, endpoint, path, body, token, reserved, options.beforeSend, ahead);
  };
  const token = await deps.tokens.get();
  let answer = await send(token);
  let error = answer.status >= 300 ? answerError(endpoint, answer, now()) : undefined;
  if (error?.status === 401 && error.zoomCode === 124) {
    // The token expired or was replaced: one new token, one more try (Zoom error 124).
    await deps.tokens.invalidate(token);
    const second = await deps.tokens.get();
    answer = await send(second);
    error = answer.status >= 300 ? answerError(endpoint, answer, now()) : undefined;
    // Rejected as well (another process's token, issued before the same outage): forget it too,
    // so the start's next attempt fetches a token of its own.
    if (error?.status === 401 && error.zoomCode === 124) await deps.tokens.invalidate(second);
  }
  if (error) throw error;
  return { status: answer.status, trackingId: answer.headers['x-zm-trackingid'] };
}

/**
 * Waits for a fresh slot, then runs the caller's last check. A check slow enough to make the
 * slot stale (a busy event loop, a slow Redis) takes a new slot and checks again.
 */
async function leaveOnSlot(
  pacer: Pacer | undefined,
  reserved: Grant | undefined,
  beforeSend: (() => Promise<void>) | undefined,
  reserveAhead: boolean,
): Promise<void> {
  let grant = reserved;
  for (let stale = 0; stale < MAX_STALE_CHECKS; stale++) {
    if (!grant?.fresh()) grant = await pacer?.acquire(reserveAhead ? { reserveAhead } : undefined);
    await beforeSend?.();
    if (!grant || grant.fresh()) return;
    grant = undefined;
  }
  throw new PacerBusyError(STALE_BACKOFF_MS);
}

function livestreamPath(kind: EventKind, meetingId: string, tail: string): string {
  return `/${PATHS[kind]}/${encodeURIComponent(meetingId)}/${tail}`;
}

/** @see https://developers.zoom.us/docs/api/meetings/#tag/meetings/PATCH/meetings/{meetingId}/livestream/status */
export function createZoomClient(deps: ZoomClientDeps): ZoomClient {
  return {
    startLivestream(kind, meetingId, settings, options) {
      const body =
        Object.keys(settings).length > 0 ? { action: 'start', settings } : { action: 'start' };
      const path = livestreamPath(kind, meetingId, 'livestream/status');
      return patch(deps, 'livestream.status', path, body, options);
    },
    stopLivestream(kind, meetingId, options) {
      const path = livestreamPath(kind, meetingId, 'livestream/status');
      return patch(deps, 'livestream.status', path, { action: 'stop' }, options);
    },
    setStreamTarget(kind, meetingId, target, options) {
      const path = livestreamPath(kind, meetingId, 'livestream');
      return patch(deps, 'livestream', path, target, options);
    },
  };
}
