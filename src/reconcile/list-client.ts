import type { Dispatcher } from 'undici';
import { answerError, sendOnce } from '../zoom/http';
import type { Tracing } from '../telemetry/tracing';
import type { TokenProvider } from '../zoom/token-provider';

/** One meeting as `GET /users/{userId}/meetings` lists it (the fields we read). */
export interface ListedMeeting {
  id: number;
  uuid: string;
  host_id?: string;
  topic?: string;
  type?: number;
  start_time?: string;
}

/** `GET /meetings/{meetingId}/livestream`: the meeting's own stream target (may be empty). */
export interface LivestreamDetails {
  stream_url?: string;
  stream_key?: string;
  page_url?: string;
  resolution?: string;
}

export interface ListClient {
  /** Every user id of the account (`GET /users`, active users, every page). */
  users(): Promise<string[]>;
  /** A user's meetings of `type` (`live` or `upcoming`), every page. */
  meetings(userId: string, type: 'live' | 'upcoming'): Promise<ListedMeeting[]>;
  /** The meeting's live-stream settings; throws `ZoomApiError` (404: no such meeting). */
  livestream(meetingId: string): Promise<LivestreamDetails>;
}

export interface ListClientDeps {
  baseUrl: string;
  dispatcher: Dispatcher;
  tokens: TokenProvider;
  timeoutMs: number;
  /** Waits for a pacing slot the sweep may take (see `createSweepSlots`). */
  slot: () => Promise<void>;
  now?: () => number;
  onAnswer?: (endpoint: string, status: number | 'error') => void;
  /** Zoom's largest page (300) unless a test wants more pages. */
  pageSize?: number;
  /** Each call is a client span of this; default: none. */
  tracing?: Tracing;
}

/** A sweep that keeps getting next_page_token stops here rather than loop for ever. */
const MAX_PAGES = 1000;

/**
 * Zoom's list endpoints for the sweep. One HTTP attempt per request, each paced: a failure
 * skips that user (the next sweep asks again; a 429 ends the sweep), and a 401 code 124 drops the
 * token so the next call gets a fresh one. Never logs or returns more than it reads: the stream key stays in the caller.
 */
export function createListClient(deps: ListClientDeps): ListClient {
  return {
    async users() {
      const users = await listPages<{ id?: unknown }>(deps, 'users', '/users', 'users', {
        status: 'active',
      });
      return users.map((u) => u.id).filter((id): id is string => typeof id === 'string');
    },
    async meetings(userId, type) {
      const path = `/users/${encodeURIComponent(userId)}/meetings`;
      const meetings = await listPages<ListedMeeting>(deps, 'meetings', path, 'meetings', { type });
      return meetings.filter((m) => Number.isSafeInteger(m.id) && typeof m.uuid === 'string');
    },
    async livestream(meetingId) {
      const path = `/meetings/${encodeURIComponent(meetingId)}/livestream`;
      return livestreamDetails(await listGet(deps, 'livestream.get', path));
    },
  };
}

/** One paced GET, one attempt; a 401 code 124 drops the token; any answer >= 300 throws. */
async function listGet(
  deps: ListClientDeps,
  endpoint: string,
  path: string,
  query: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const url = new URL(`${deps.baseUrl}${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const token = await deps.tokens.get();
  await deps.slot();
  let answer;
  try {
    answer = await sendOnce(deps.dispatcher, endpoint, url.toString(), {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      timeoutMs: deps.timeoutMs,
      ...(deps.tracing && { tracing: deps.tracing }),
    });
    deps.onAnswer?.(endpoint, answer.status);
  } catch (err) {
    deps.onAnswer?.(endpoint, 'error');
    throw err;
  }
  if (answer.status >= 300) {
    const error = answerError(endpoint, answer, (deps.now ?? Date.now)());
    if (error.status === 401 && error.zoomCode === 124) await deps.tokens.invalidate(token);
    throw error;
  }
  return JSON.parse(answer.text) as Record<string, unknown>;
}

/** Every page of a list endpoint (at most `MAX_PAGES`): the items under `key`, in order. */
async function listPages<T>(
  deps: ListClientDeps,
  endpoint: string,
  path: string,
  key: string,
  query: Record<string, string> = {},
): Promise<T[]> {
  const pageSize = String(deps.pageSize ?? 300);
  const items: T[] = [];
  let next = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await listGet(deps, endpoint, path, {
      ...query,
      page_size: pageSize,
      ...(next && { next_page_token: next }),
    });
    const list = body[key];
    if (Array.isArray(list)) items.push(...(list as T[]));
    next = typeof body.next_page_token === 'string' ? body.next_page_token : '';
    if (!next) break;
  }
  return items;
}

/** The string fields of a livestream answer; anything else in it is dropped. */
function livestreamDetails(body: Record<string, unknown>): LivestreamDetails {
  const details: LivestreamDetails = {};
  for (const field of ['stream_url', 'stream_key', 'page_url', 'resolution'] as const) {
    const value = body[field];
    if (typeof value === 'string') details[field] = value;
  }
  return details;
}
