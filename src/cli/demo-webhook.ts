import { signZoomWebhook } from '../webhook/signature';
import type { CliIo } from './io';
import type { Say } from './demo-narration';

/** The meeting the demo starts a stream for. */
export const DEMO_MEETING_ID = '85012345678';

/**
 * Sends the signed `meeting.started` of the Zoom account `accountId` as Zoom would; false when it
 * was not answered 204.
 */
export async function sendDemoWebhook(
  io: CliIo,
  say: Say,
  url: string,
  secret: string,
  uuid: string,
  accountId: string,
): Promise<boolean> {
  const body = JSON.stringify({
    event: 'meeting.started',
    event_ts: Date.now(),
    payload: {
      account_id: accountId,
      object: {
        id: Number(DEMO_MEETING_ID),
        uuid,
        host_id: 'demo-host',
        topic: 'Demo: Sunday service',
        type: 2,
        start_time: new Date().toISOString(),
        duration: 60,
      },
    },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  say(`Zoom → us     POST /webhooks/zoom meeting.started (meeting ${DEMO_MEETING_ID}, signed)`);
  const res = await fetch(`${url}/webhooks/zoom`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-zm-request-timestamp': timestamp,
      'x-zm-signature': signZoomWebhook(secret, timestamp, body),
    },
    body,
  });
  if (res.status !== 204) io.err(`the webhook was answered ${res.status}, expected 204\n`);
  return res.status === 204;
}
