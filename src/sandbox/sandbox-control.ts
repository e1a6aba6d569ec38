import type { Answer, DeclaredMeeting } from './directory-types';
import type { SandboxAccount } from './sandbox-account';
import { sendMeetingEvent, webhookPath } from './sandbox-webhooks';

const NOT_FOUND: Answer = { status: 404, body: { message: 'not found' } };

function parse(body: string): { value: unknown } | undefined {
  try {
    return { value: body.trim() === '' ? {} : (JSON.parse(body) as unknown) };
  } catch {
    return undefined;
  }
}

/**
 * `POST …/meetings/{id}/webhook` with `{"event": "meeting.started", "to": "http://…:8080"}`: sends
 * the meeting's event to the service at `to`, as Zoom would (signed, on the account's path), and
 * answers the path and the service's status.
 */
async function webhookControl(account: SandboxAccount, id: number, body: string): Promise<Answer> {
  const meeting = account.directory.meetings.get(id);
  if (!meeting) return { status: 404, body: { message: 'no such meeting' } };
  const asked = parse(body)?.value as { event?: unknown; to?: unknown } | undefined;
  const { event = 'meeting.started', to } = asked ?? {};
  if (event !== 'meeting.started' && event !== 'meeting.ended')
    return { status: 400, body: { message: 'event must be meeting.started or meeting.ended' } };
  if (typeof to !== 'string' || !/^https?:\/\/[^/]+$/.test(to))
    return {
      status: 400,
      body: { message: 'to must be the service origin, e.g. http://127.0.0.1:8080' },
    };
  if (event === 'meeting.ended') meeting.status = 'ended';
  try {
    const status = await sendMeetingEvent(to, account, event, meeting, { now: account.now });
    return { status: 200, body: { sent: `${to}${webhookPath(account.name)}`, status } };
  } catch (err) {
    return { status: 502, body: { message: `not delivered: ${(err as Error).message}` } };
  }
}

/** `POST …/meetings`, `…/meetings/{id}/end` and `…/meetings/{id}/webhook` of one account. */
function meetingControl(
  account: SandboxAccount,
  rest: string,
  body: string,
): Answer | Promise<Answer> {
  const webhook = /^\/meetings\/(\d+)\/webhook$/.exec(rest);
  if (webhook) return webhookControl(account, Number(webhook[1]), body);
  const end = /^\/meetings\/(\d+)\/end$/.exec(rest);
  if (end) {
    const meeting = account.directory.meetings.get(Number(end[1]));
    if (!meeting) return { status: 404, body: { message: 'no such meeting' } };
    meeting.status = 'ended';
    return { status: 204 };
  }
  if (rest !== '/meetings') return NOT_FOUND;
  const declared = parse(body)?.value;
  if (declared === undefined) return { status: 400, body: { message: 'body must be JSON' } };
  const id: unknown =
    typeof declared === 'object' && declared !== null
      ? (declared as { id?: unknown }).id
      : undefined;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)
    return { status: 400, body: { message: 'id must be a positive meeting number' } };
  return { status: 201, body: account.directory.declare(declared as DeclaredMeeting) };
}

/**
 * `POST …/storm` (`{"seconds"?: n, "type"?: "QPS" | "Daily-limit", "every"?: n,
 * "retryAfterSeconds"?: n}`) and `POST …/calm`.
 */
function stormControl(account: SandboxAccount, rest: string, body: string): Answer {
  if (rest === '/calm') {
    account.limit.calm();
    return { status: 204 };
  }
  const asked = parse(body)?.value as { seconds?: unknown; type?: unknown } | undefined;
  if (asked === undefined || asked === null || typeof asked !== 'object')
    return { status: 400, body: { message: 'body must be a JSON object' } };
  const { seconds, type = 'QPS', every, retryAfterSeconds } = asked as Record<string, unknown>;
  const positive = (v: unknown) => v === undefined || (typeof v === 'number' && v > 0);
  if (!positive(seconds))
    return { status: 400, body: { message: 'seconds must be a positive number' } };
  if (type !== 'QPS' && type !== 'Daily-limit')
    return { status: 400, body: { message: 'type must be "QPS" or "Daily-limit"' } };
  if (!positive(every) || (every !== undefined && !Number.isInteger(every)))
    return { status: 400, body: { message: 'every must be a positive integer' } };
  if (!positive(retryAfterSeconds))
    return { status: 400, body: { message: 'retryAfterSeconds must be a positive number' } };
  if (retryAfterSeconds !== undefined && type !== 'QPS')
    return {
      status: 400,
      body: { message: 'retryAfterSeconds is for a QPS storm (a daily limit says when it ends)' },
    };
  const storm = account.limit.storm(type, seconds as number | undefined, {
    ...(every !== undefined && { every: every as number }),
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds: retryAfterSeconds as number }),
  });
  return {
    status: 200,
    body: {
      account: account.name,
      type: storm.type,
      until: storm.until === undefined ? null : new Date(storm.until).toISOString(),
    },
  };
}

/**
 * The sandbox's own control endpoints (no Zoom counterpart, no authorization: it is a local
 * tool), all `POST`:
 * - `/sandbox/meetings` with `{"id": 85012345678, "status": "live", ...}` declares a meeting of
 *   the first account (any field of `SandboxMeeting`; the answer is the whole meeting);
 *   `/sandbox/meetings/{id}/end` ends it; `/sandbox/meetings/{id}/webhook` with
 *   `{"event": "meeting.started", "to": "http://127.0.0.1:8080"}` sends its signed event there;
 * - `/sandbox/accounts/{name}/meetings`, `…/meetings/{id}/end` and `…/meetings/{id}/webhook`: the
 *   same for the named account (its webhook on `/webhooks/zoom/{name}`, with its secret);
 * - `/sandbox/accounts/{name}/storm` with `{"seconds": 20, "type": "QPS"}` (both optional; the
 *   type may be `Daily-limit`) answers every API call of that account with an account-level 429
 *   for that long, or until `/sandbox/accounts/{name}/calm`; `"every": 3` refuses only every
 *   third call, and `"retryAfterSeconds": 1` sends that `Retry-After` with a `QPS` refusal.
 */
export function sandboxControl(
  accounts: ReadonlyMap<string, SandboxAccount>,
  method: string,
  pathname: string,
  body: string,
): Answer | Promise<Answer> {
  if (method !== 'POST') return { status: 405, body: { message: 'use POST' } };
  const named = /^\/sandbox\/accounts\/([^/]+)(\/.*)$/.exec(pathname);
  if (!named) {
    const first = [...accounts.values()][0]!;
    return meetingControl(first, pathname.slice('/sandbox'.length), body);
  }
  const account = accounts.get(decodeURIComponent(named[1]!));
  if (!account) return { status: 404, body: { message: 'no such account' } };
  const rest = named[2]!;
  if (rest === '/storm' || rest === '/calm') return stormControl(account, rest, body);
  return meetingControl(account, rest, body);
}
