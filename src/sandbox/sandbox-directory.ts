import { randomBytes } from 'node:crypto';
import { createQueryValidator, type ListPath } from './query-validator';

export interface SandboxUser {
  id: string;
  email: string;
}

/** A meeting the sandbox knows, declared without any webhook. */
export interface SandboxMeeting {
  id: number;
  /** This instance's uuid (what `meeting.started` would carry). */
  uuid: string;
  hostId: string;
  topic: string;
  type: number;
  status: 'live' | 'upcoming' | 'ended';
  startTime: string;
  /** The meeting's own live-stream settings in Zoom (what `GET …/livestream` answers). */
  livestream?: { stream_url: string; stream_key: string; page_url: string; resolution?: string };
}

export type DeclaredMeeting = Partial<SandboxMeeting> & { id: number };

export interface Answer {
  status: number;
  body?: unknown;
}

export const DEFAULT_USER: SandboxUser = { id: 'sandbox-host', email: 'host@sandbox.example' };

type Route = { path: ListPath; userId?: string; meetingId?: string };

/**
 * The account's users and meetings in the sandbox: `GET /users`, `GET /users/{userId}/meetings`
 * and `GET /meetings/{meetingId}/livestream` as Zoom answers them, query strings checked against
 * the OpenAPI document, paged with `next_page_token`.
 */
export function createSandboxDirectory(streamTargets: Map<string, unknown>, now: () => number) {
  const users: SandboxUser[] = [DEFAULT_USER];
  const meetings = new Map<number, SandboxMeeting>();
  const validate = createQueryValidator();

  function route(pathname: string): Route | undefined {
    if (pathname === '/v2/users') return { path: '/users' };
    const m = /^\/v2\/users\/([^/]+)\/meetings$/.exec(pathname);
    if (m) return { path: '/users/{userId}/meetings', userId: decodeURIComponent(m[1]!) };
    const l = /^\/v2\/meetings\/(\d+)\/livestream$/.exec(pathname);
    if (l) return { path: '/meetings/{meetingId}/livestream', meetingId: l[1]! };
    return undefined;
  }

  function page<T>(list: readonly T[], key: string, query: URLSearchParams): Answer {
    const size = Number(query.get('page_size') ?? 30);
    const token = query.get('next_page_token') ?? '';
    let offset = 0;
    if (token) {
      const [k, o] = Buffer.from(token, 'base64url').toString().split(':');
      if (k !== key || !/^\d+$/.test(o ?? ''))
        return { status: 400, body: { code: 300, message: 'Invalid next_page_token.' } };
      offset = Number(o);
    }
    const items = list.slice(offset, offset + size);
    const more = offset + size < list.length;
    return {
      status: 200,
      body: {
        page_count: Math.max(1, Math.ceil(list.length / size)),
        page_number: Math.floor(offset / size) + 1,
        page_size: size,
        total_records: list.length,
        next_page_token: more ? Buffer.from(`${key}:${offset + size}`).toString('base64url') : '',
        [key.split('@')[0]!]: items,
      },
    };
  }

  function listMeetings(userId: string, query: URLSearchParams): Answer {
    const user = users.find(
      (u) => u.id === userId || u.email.toLowerCase() === userId.toLowerCase(),
    );
    if (!user)
      return { status: 404, body: { code: 1001, message: `User does not exist: ${userId}.` } };
    const type = query.get('type') ?? 'scheduled';
    const wanted = (m: SandboxMeeting) =>
      type === 'live'
        ? m.status === 'live'
        : type === 'previous_meetings'
          ? m.status === 'ended'
          : m.status !== 'ended';
    const list = [...meetings.values()]
      .filter((m) => m.hostId === user.id && wanted(m))
      .map((m) => ({
        uuid: m.uuid,
        id: m.id,
        host_id: m.hostId,
        topic: m.topic,
        type: m.type,
        start_time: m.startTime,
        duration: 60,
        timezone: 'UTC',
        join_url: `https://zoom.example/j/${m.id}`,
      }));
    return page(list, `meetings@${user.id}/${type}`, query);
  }

  return {
    users,
    meetings,
    route,
    /** Answers a GET the sandbox serves (authorization already checked). */
    get(r: Route, query: URLSearchParams): Answer {
      const problems = validate(r.path, query);
      if (problems.length > 0)
        return {
          status: 400,
          body: { code: 300, message: `Validation Failed: ${problems.join('; ')}` },
        };
      if (r.userId !== undefined) return listMeetings(r.userId, query);
      if (r.meetingId === undefined) {
        const list = users.map((u) => ({ id: u.id, email: u.email, type: 1, status: 'active' }));
        return page(list, 'users', query);
      }
      const meeting = meetings.get(Number(r.meetingId));
      if (!meeting)
        return {
          status: 404,
          body: { code: 3001, message: `Meeting does not exist: ${r.meetingId}.` },
        };
      const empty = { stream_url: '', stream_key: '', page_url: '' };
      return { status: 200, body: streamTargets.get(r.meetingId) ?? meeting.livestream ?? empty };
    },
    /** Declares a meeting (live unless said otherwise) without sending any webhook. */
    declare(m: DeclaredMeeting): SandboxMeeting {
      const meeting: SandboxMeeting = {
        uuid: `${randomBytes(12).toString('base64')}`,
        hostId: users[0]!.id,
        topic: `Meeting ${m.id}`,
        type: 2,
        status: 'live',
        startTime: new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        ...m,
      };
      meetings.set(meeting.id, meeting);
      return meeting;
    },
  };
}

export type SandboxDirectory = ReturnType<typeof createSandboxDirectory>;
