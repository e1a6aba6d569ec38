import { randomBytes } from 'node:crypto';
import { createQueryValidator, type ListPath } from './query-validator';
import { listMeetings } from './meeting-list';
import { pageOf } from './sandbox-paging';
import type { Answer, DeclaredMeeting, SandboxMeeting, SandboxUser } from './directory-types';

export type { Answer, DeclaredMeeting, SandboxMeeting, SandboxUser } from './directory-types';

export const DEFAULT_USER: SandboxUser = { id: 'sandbox-host', email: 'host@sandbox.example' };

export type Route = { path: ListPath; userId?: string; meetingId?: string };

/** The list endpoint a GET path names, or undefined. */
export function listRoute(pathname: string): Route | undefined {
  if (pathname === '/v2/users') return { path: '/users' };
  const m = /^\/v2\/users\/([^/]+)\/meetings$/.exec(pathname);
  if (m) return { path: '/users/{userId}/meetings', userId: decodeURIComponent(m[1]!) };
  const l = /^\/v2\/meetings\/(\d+)\/livestream$/.exec(pathname);
  if (l) return { path: '/meetings/{meetingId}/livestream', meetingId: l[1]! };
  return undefined;
}

/**
 * The account's users and meetings in the sandbox: `GET /users`, `GET /users/{userId}/meetings`
 * and `GET /meetings/{meetingId}/livestream` as Zoom answers them, query strings checked against
 * the OpenAPI document, paged with `next_page_token`.
 */
export function createSandboxDirectory(streamTargets: Map<string, unknown>, now: () => number) {
  const users: SandboxUser[] = [DEFAULT_USER];
  const meetings = new Map<number, SandboxMeeting>();
  const validate = createQueryValidator();

  return {
    users,
    meetings,
    route: listRoute,
    /** Answers a GET the sandbox serves (authorization already checked). */
    get(r: Route, query: URLSearchParams): Answer {
      const problems = validate(r.path, query);
      if (problems.length > 0)
        return {
          status: 400,
          body: { code: 300, message: `Validation Failed: ${problems.join('; ')}` },
        };
      if (r.userId !== undefined) return listMeetings(users, meetings, r.userId, query);
      if (r.meetingId === undefined) {
        const list = users.map((u) => ({ id: u.id, email: u.email, type: 1, status: 'active' }));
        return pageOf(list, 'users', query);
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
