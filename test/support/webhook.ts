import { signZoomWebhook } from '../../src/webhook/signature';

export const SECRET = 'test-webhook-secret';
/**
 * The Zoom account id events carry: the sandbox's own, so a service started on the sandbox takes
 * them as its account's (a receiver without `ZOOM_ACCOUNT_ID` does not check it).
 */
export const ZOOM_ACCOUNT_ID = 'sandbox-account';

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** Signs like Zoom does, with the production signer. */
export function signed(
  body: string | object,
  options: { secret?: string; timestamp?: string } = {},
): SignedDelivery {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  return {
    body: raw,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-zm-request-timestamp': timestamp,
      'x-zm-signature': signZoomWebhook(options.secret ?? SECRET, timestamp, Buffer.from(raw)),
      'x-zm-trackingid': 'test-tracking',
    },
  };
}

export function meetingEvent(
  event: string,
  object: {
    id?: number | string;
    uuid?: string;
    topic?: string;
    host_id?: string;
    type?: number;
  } = {},
  accountId: string = ZOOM_ACCOUNT_ID,
): object {
  return {
    event,
    event_ts: Date.now(),
    payload: {
      account_id: accountId,
      object: {
        id: 85012345678,
        uuid: 'uuid-1==',
        host_id: 'host-1',
        topic: 'Sunday service',
        type: 2,
        ...object,
      },
    },
  };
}

/** POSTs the delivery to the default account's path, or to `/webhooks/zoom/{account}`. */
export async function post(
  baseUrl: string,
  delivery: SignedDelivery,
  account?: string,
): Promise<Response> {
  const path = account === undefined ? '/webhooks/zoom' : `/webhooks/zoom/${account}`;
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
}
