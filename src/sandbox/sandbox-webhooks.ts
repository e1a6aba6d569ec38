import { createHmac } from 'node:crypto';
import type { SandboxMeeting } from './directory-types';

/** What a webhook needs of its account: its name (the path), Zoom id and secret token. */
export interface WebhookAccount {
  name: string;
  credentials: { accountId: string };
  webhookSecret: string;
}

export type MeetingEvent = 'meeting.started' | 'meeting.ended';

/** The deployment's path for an account's webhooks; `default` keeps `/webhooks/zoom`. */
export function webhookPath(name: string): string {
  return name === 'default' ? '/webhooks/zoom' : `/webhooks/zoom/${encodeURIComponent(name)}`;
}

/** The JSON body Zoom sends for a meeting event, `payload.account_id` being the account's. */
export function meetingEventBody(
  accountId: string,
  event: MeetingEvent,
  meeting: SandboxMeeting,
  at: number,
): string {
  return JSON.stringify({
    event,
    event_ts: at,
    payload: {
      account_id: accountId,
      object: {
        id: meeting.id,
        uuid: meeting.uuid,
        host_id: meeting.hostId,
        topic: meeting.topic,
        type: meeting.type,
        start_time: meeting.startTime,
        duration: 60,
        timezone: 'UTC',
        ...(event === 'meeting.ended' && { end_time: new Date(at).toISOString() }),
      },
    },
  });
}

/**
 * Zoom's webhook headers for `body`: `x-zm-request-timestamp` (seconds) and `x-zm-signature`,
 * `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the secret token (computed here, not
 * with the service's own code, so a test of the receiver checks it against Zoom's recipe).
 */
export function signedHeaders(secret: string, body: string, at: number): Record<string, string> {
  const timestamp = String(Math.floor(at / 1000));
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Zoom Marketplace/1.0a',
    'x-zm-request-timestamp': timestamp,
    'x-zm-signature': `v0=${digest}`,
  };
}

/**
 * POSTs a meeting event to `{service}{path of the account}`, signed with the account's secret
 * (or `options.secret`: another app's, to see it refused) and carrying the account's Zoom id (or
 * `options.accountId`). Answers the HTTP status the service gave.
 */
export async function sendMeetingEvent(
  service: string,
  account: WebhookAccount,
  event: MeetingEvent,
  meeting: SandboxMeeting,
  options: { now?: () => number; secret?: string; accountId?: string; path?: string } = {},
): Promise<number> {
  const at = (options.now ?? Date.now)();
  const body = meetingEventBody(
    options.accountId ?? account.credentials.accountId,
    event,
    meeting,
    at,
  );
  const res = await fetch(`${service}${options.path ?? webhookPath(account.name)}`, {
    method: 'POST',
    headers: signedHeaders(options.secret ?? account.webhookSecret, body, at),
    body,
  });
  await res.arrayBuffer();
  return res.status;
}
