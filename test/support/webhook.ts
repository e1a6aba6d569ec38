import { signZoomWebhook } from '../../src/webhook/signature';

export const SECRET = 'test-webhook-secret';

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
): object {
  return {
    event,
    event_ts: Date.now(),
    payload: {
      account_id: 'acc',
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

export async function post(baseUrl: string, delivery: SignedDelivery): Promise<Response> {
  return fetch(`${baseUrl}/webhooks/zoom`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
}
