import type { Answer, SandboxMeeting, SandboxUser } from './directory-types';
import { pageOf } from './sandbox-paging';

/**
 * `GET /users/{userId}/meetings` (by id or email): the user's meetings of the asked `type`
 * (`live`, `previous_meetings`, or upcoming by default), paged; 404 for an unknown user.
 */
export function listMeetings(
  users: readonly SandboxUser[],
  meetings: ReadonlyMap<number, SandboxMeeting>,
  userId: string,
  query: URLSearchParams,
): Answer {
  const user = users.find((u) => u.id === userId || u.email.toLowerCase() === userId.toLowerCase());
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
  return pageOf(list, `meetings@${user.id}/${type}`, query);
}
