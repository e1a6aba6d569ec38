import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a webhook was not believed. */
export type SignatureFailure =
  'missing_headers' | 'malformed_signature' | 'bad_signature' | 'stale';

/** On success, `secret` is the configured secret that signed the request (for url_validation). */
export type VerifyResult = { ok: true; secret: string } | { ok: false; reason: SignatureFailure };

export interface VerifyInput {
  secrets: readonly string[];
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowMs: number;
  toleranceSeconds: number;
}

const SIGNATURE_FORMAT = /^v0=[0-9a-f]{64}$/i;
const TIMESTAMP_FORMAT = /^\d{1,16}$/;

/**
 * Zoom's signature: `v0=` + hex(HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`)).
 * The HMAC covers the bytes as received (re-serialised JSON breaks on key order and emoji), the
 * timestamp is used verbatim, and the comparison is constant-time against every configured secret.
 * @see https://developers.zoom.us/docs/api/webhooks/#verify-with-zooms-header
 */
export function signZoomWebhook(
  secret: string,
  timestamp: string,
  rawBody: Buffer | string,
): string {
  const mac = createHmac('sha256', secret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  return `v0=${mac.digest('hex')}`;
}

export function verifyZoomWebhook(input: VerifyInput): VerifyResult {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  if (!TIMESTAMP_FORMAT.test(timestamp) || !SIGNATURE_FORMAT.test(signature)) {
    return { ok: false, reason: 'malformed_signature' };
  }
  const given = Buffer.from(signature.slice(3), 'hex');
  let matched: string | undefined;
  for (const secret of input.secrets) {
    const expected = Buffer.from(signZoomWebhook(secret, timestamp, input.rawBody).slice(3), 'hex');
    // No early exit: every secret is compared so timing does not reveal which one matched.
    if (timingSafeEqual(expected, given)) matched ??= secret;
  }
  if (matched === undefined) return { ok: false, reason: 'bad_signature' };
  if (!isFresh(timestamp, input.nowMs, input.toleranceSeconds))
    return { ok: false, reason: 'stale' };
  return { ok: true, secret: matched };
}

/** Zoom sends unix seconds, but milliseconds have been seen: values above 1e12 are milliseconds. */
export function isFresh(timestamp: string, nowMs: number, toleranceSeconds: number): boolean {
  const value = Number(timestamp);
  const ms = value > 1e12 ? value : value * 1000;
  return Math.abs(nowMs - ms) <= toleranceSeconds * 1000;
}

/** The answer to `endpoint.url_validation`: hex HMAC-SHA256 of the plain token with the secret. */
export function encryptPlainToken(secret: string, plainToken: string): string {
  return createHmac('sha256', secret).update(plainToken).digest('hex');
}
