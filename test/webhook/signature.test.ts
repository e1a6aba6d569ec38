import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

  // Known vectors computed once outside this code, with OpenSSL:
  //   printf '%s' 'v0:1700000000:{"a":1}' | openssl dgst -sha256 -hmac 's3cret'
  //   printf '%s' "v0:1790000000:$BODY" | openssl dgst -sha256 -hmac 'secret-a'   (BODY = `body`)
  const VECTOR = 'v0=bd185b05da99402f371e04f620aeca81515f08c0ef7fcf979fccaa4d2f87d47c';
  const BODY_VECTOR = 'v0=291870085eb0f7c6fb9e86b42670d9bfae39717aa2d7a2701f7623cc81450938';

  it('signs the documented HMAC-SHA256 over v0:{ts}:{body}, as OpenSSL computes it', () => {
    expect(signZoomWebhook('s3cret', '1700000000', '{"a":1}')).toBe(VECTOR);
    expect(signZoomWebhook('secret-a', TS, body)).toBe(BODY_VECTOR);
  });

  it('accepts a delivery signed by OpenSSL, not by our signer', () => {
    expect(verify({ signature: BODY_VECTOR })).toEqual({ ok: true, secret: 'secret-a' });
    expect(verify({ signature: BODY_VECTOR.replace(/.$/, '0') })).toMatchObject({ ok: false });
  });

  const openssl = spawnSync('openssl', ['version']).status === 0;
  (openssl ? it : it.skip)('agrees with openssl dgst run now on a fresh random input', () => {
    const secret = randomBytes(12).toString('hex');
    const raw = `{"event":"meeting.started","n":"${randomBytes(8).toString('hex')}","t":"Église 🙏"}`;
    const run = spawnSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-r'], {
      input: Buffer.from(`v0:${TS}:${raw}`, 'utf8'),
    });
    const hex = run.stdout.toString().split(' ')[0];
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(signZoomWebhook(secret, TS, Buffer.from(raw, 'utf8'))).toBe(`v0=${hex}`);
    expect(
      verify({ secrets: [secret], rawBody: Buffer.from(raw), signature: `v0=${hex}` }),
    ).toEqual({ ok: true, secret });
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
  it('is hex HMAC-SHA256 of the plain token, as OpenSSL computes it', () => {
    // printf '%s' 'plain-1' | openssl dgst -sha256 -hmac 'secret-a'
    expect(encryptPlainToken('secret-a', 'plain-1')).toBe(
      '9cead37bcc97e34b0c2477575bcb5293e9eeb575e6354c0147836b5fb08a0976',
    );
  });
});
