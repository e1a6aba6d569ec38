import type { Answer, DeclaredMeeting, SandboxDirectory } from './sandbox-directory';

/**
 * The sandbox's own control endpoints (no Zoom counterpart, no authorization: it is a local
 * tool), so another process can make a meeting live without a webhook:
 * - `POST /sandbox/meetings` with `{"id": 85012345678, "status": "live", ...}` declares a meeting
 *   (any field of `SandboxMeeting`; the answer is the whole meeting);
 * - `POST /sandbox/meetings/{id}/end` ends it.
 */
export function sandboxControl(
  directory: SandboxDirectory,
  method: string,
  pathname: string,
  body: string,
): Answer {
  if (method !== 'POST') return { status: 405, body: { message: 'use POST' } };
  const end = /^\/sandbox\/meetings\/(\d+)\/end$/.exec(pathname);
  if (end) {
    const meeting = directory.meetings.get(Number(end[1]));
    if (!meeting) return { status: 404, body: { message: 'no such meeting' } };
    meeting.status = 'ended';
    return { status: 204 };
  }
  if (pathname !== '/sandbox/meetings') return { status: 404, body: { message: 'not found' } };
  let declared: unknown;
  try {
    declared = JSON.parse(body);
  } catch {
    return { status: 400, body: { message: 'body must be JSON' } };
  }
  const id = (declared as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)
    return { status: 400, body: { message: 'id must be a positive meeting number' } };
  return { status: 201, body: directory.declare(declared as DeclaredMeeting) };
}
