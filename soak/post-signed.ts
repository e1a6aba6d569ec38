import { signZoomWebhook } from '../src/webhook/signature';

/**
 * Posts `body` to `url` signed as Zoom signs it (with `secret`, stamped now) and resolves with the
 * status of the answer, or 0 when none came within 3 s (Zoom's own deadline) or the connection
 * failed.
 */
export async function postSigned(url: string, secret: string, body: object): Promise<number> {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-zm-request-timestamp': ts,
        'x-zm-signature': signZoomWebhook(secret, ts, Buffer.from(raw)),
      },
      body: raw,
      signal: AbortSignal.timeout(3000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
