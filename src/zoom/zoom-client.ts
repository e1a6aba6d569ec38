import type { Dispatcher } from 'undici';
import type { LivestreamSettings } from '../config/load-config';
import type { StreamTarget } from '../policy/rules';
import type { EventKind } from '../queue/start-queue';
import { answerError, sendOnce, type RawAnswer } from './http';
import type { Grant, Pacer } from './pacer';
import type { TokenProvider } from './token-provider';

export interface ZoomSuccess {
  status: number;
  trackingId: string | undefined;
}

/** Per call: a pacing slot the caller reserved ahead (so its Redis trip overlaps other reads). */
export interface CallOptions {
  slot?: Promise<Grant>;
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
}

const PATHS: Record<EventKind, string> = { meeting: 'meetings', webinar: 'webinars' };

/** @see https://developers.zoom.us/docs/api/meetings/#tag/meetings/PATCH/meetings/{meetingId}/livestream/status */
export function createZoomClient(deps: ZoomClientDeps): ZoomClient {
  const now = deps.now ?? Date.now;

  async function patch(
    endpoint: string,
    path: string,
    body: object,
    options: CallOptions = {},
  ): Promise<ZoomSuccess> {
    let slot = options.slot;
    const send = async (token: string): Promise<RawAnswer> => {
      // The first send may use the caller's slot, unless getting the token took it past its time
      // (a refresh): a late slot would bunch calls on arrival. A repeat (new token) takes its own.
      const reserved = slot && (await slot);
      slot = undefined;
      if (!reserved?.fresh()) await deps.pacer?.acquire();
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
        });
        deps.onAnswer?.(endpoint, answer.status);
        return answer;
      } catch (err) {
        deps.onAnswer?.(endpoint, 'error');
        throw err;
      }
    };
    const token = await deps.tokens.get();
    let answer = await send(token);
    let error = answer.status >= 300 ? answerError(endpoint, answer, now()) : undefined;
    if (error?.status === 401 && error.zoomCode === 124) {
      // The token expired or was replaced: one new token, one more try (Zoom error 124).
      await deps.tokens.invalidate(token);
      answer = await send(await deps.tokens.get());
      error = answer.status >= 300 ? answerError(endpoint, answer, now()) : undefined;
    }
    if (error) throw error;
    return { status: answer.status, trackingId: answer.headers['x-zm-trackingid'] };
  }

  return {
    startLivestream(kind, meetingId, settings, options) {
      const body =
        Object.keys(settings).length > 0 ? { action: 'start', settings } : { action: 'start' };
      return patch(
        'livestream.status',
        `/${PATHS[kind]}/${encodeURIComponent(meetingId)}/livestream/status`,
        body,
        options,
      );
    },
    stopLivestream(kind, meetingId, options) {
      return patch(
        'livestream.status',
        `/${PATHS[kind]}/${encodeURIComponent(meetingId)}/livestream/status`,
        { action: 'stop' },
        options,
      );
    },
    setStreamTarget(kind, meetingId, target, options) {
      return patch(
        'livestream',
        `/${PATHS[kind]}/${encodeURIComponent(meetingId)}/livestream`,
        target,
        options,
      );
    },
  };
}
