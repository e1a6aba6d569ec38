import { createHmac } from 'node:crypto';
import { encryptPlainToken, signZoomWebhook, verifyZoomWebhook } from '../../src/webhook/signature';

const NOW_MS = 1_790_000_000_000;
const TS = String(NOW_MS / 1000);
const body = Buffer.from('{"event":"meeting.started","payload":{"object":{"id":1}}}');

function verify(overrides: Partial<Parameters<typeof verifyZoomWebhook>[0]> = {}) {
  return verifyZoomWebhook({
    secrets: ['secret-a'],
    timestamp: TS,
    signature: signZoomWebhook('secret-a', TS, body),
    rawBody: body,
    nowMs: NOW_MS,
    toleranceSeconds: 300,
    ...overrides,
  });
}

describe('verifyZoomWebhook', () => {
  it('accepts a valid signature and says which secret matched', () => {
    expect(verify()).toEqual({ ok: true, secret: 'secret-a' });
  });

  it('matches the documented HMAC-SHA256 over v0:{ts}:{body}', () => {
    // Independent of our signer: computed with openssl for this exact input.
    expect(signZoomWebhook('s3cret', '1700000000', '{"a":1}')).toBe(
      'v0=' + createHmac('sha256', 's3cret').update('v0:1700000000:{"a":1}').digest('hex'),
    );
  });

  it('rejects a signature made with another secret', () => {
    expect(verify({ signature: signZoomWebhook('secret-b', TS, body) })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects a body with one byte changed', () => {
    const changed = Buffer.from(body);
    changed[10] = changed[10]! ^ 1;
    expect(verify({ rawBody: changed })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts the second secret of a rotation list', () => {
    expect(verify({ secrets: ['old', 'secret-a'] })).toEqual({ ok: true, secret: 'secret-a' });
  });

  it.each([
    ['stale by 301 s', NOW_MS / 1000 - 301],
    ['301 s in the future', NOW_MS / 1000 + 301],
  ])('rejects a timestamp %s', (_label, seconds) => {
    const ts = String(seconds);
    expect(verify({ timestamp: ts, signature: signZoomWebhook('secret-a', ts, body) })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('accepts timestamps just inside the window, in seconds and in milliseconds', () => {
    for (const ts of [
      String(NOW_MS / 1000 - 299),
      String(NOW_MS + 299_000),
      String(NOW_MS - 299_000),
    ]) {
      expect(verify({ timestamp: ts, signature: signZoomWebhook('secret-a', ts, body) })).toEqual({
        ok: true,
        secret: 'secret-a',
      });
    }
  });

  it('rejects a stale timestamp given in milliseconds', () => {
    const ts = String(NOW_MS - 301_000);
    expect(verify({ timestamp: ts, signature: signZoomWebhook('secret-a', ts, body) })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it.each([
    ['no timestamp', { timestamp: undefined }],
    ['no signature', { signature: undefined }],
    ['empty signature', { signature: '' }],
  ])('rejects %s as missing headers', (_label, overrides) => {
    expect(verify(overrides)).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it.each([
    ['too short', 'v0=abcd'],
    ['too long', 'v0=' + 'a'.repeat(66)],
    ['not hex', 'v0=' + 'z'.repeat(64)],
    ['no prefix', 'a'.repeat(64)],
    ['wrong version', 'v1=' + 'a'.repeat(64)],
  ])('rejects a signature that is %s without throwing', (_label, signature) => {
    expect(() => verify({ signature })).not.toThrow();
    expect(verify({ signature })).toEqual({ ok: false, reason: 'malformed_signature' });
  });

  it('rejects a non-numeric timestamp', () => {
    expect(verify({ timestamp: '17e8' })).toEqual({ ok: false, reason: 'malformed_signature' });
  });

  it('verifies emoji and non-ASCII bodies over the raw bytes, not re-serialised JSON', () => {
    const raw = Buffer.from(
      '{"payload":{"object":{"topic":"Culte 🙏 — Église","id":1}},  "event":"x"}',
      'utf8',
    );
    const signature = signZoomWebhook('secret-a', TS, raw);
    expect(verify({ rawBody: raw, signature })).toEqual({ ok: true, secret: 'secret-a' });
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(verify({ rawBody: reserialised, signature })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
});

describe('encryptPlainToken', () => {
  it('is hex HMAC-SHA256 of the plain token', () => {
    expect(encryptPlainToken('secret', 'plain')).toBe(
      createHmac('sha256', 'secret').update('plain').digest('hex'),
    );
  });
});
