import { Redis } from 'ioredis';
import { createTokenProvider } from '../../src/zoom/token-provider';
import { ZoomCredentialsError } from '../../src/zoom/errors';
import { captureLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';

let redis: Redis;
beforeEach(() => {
  redis = new Redis(redisUrl());
});
afterEach(() => redis.quit());

function provider(
  prefix: string,
  fetchToken: () => Promise<{ accessToken: string; expiresInSec: number }>,
  now?: () => number,
) {
  const logs = captureLog();
  return {
    logs,
    tokens: createTokenProvider({
      redis,
      keyPrefix: prefix,
      appId: 'acc:cid',
      fetchToken,
      log: logs.log,
      ...(now && { now }),
    }),
  };
}

it('shares one fetched token across processes: 200 callers in two providers, one fetch', async () => {
  const prefix = uniquePrefix();
  let fetches = 0;
  const fetchToken = async () => {
    fetches++;
    await new Promise((r) => setTimeout(r, 100));
    return { accessToken: `token-${fetches}`, expiresInSec: 3600 };
  };
  const a = provider(prefix, fetchToken).tokens;
  const b = provider(prefix, fetchToken).tokens;
  const got = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).get()));
  expect(fetches).toBe(1);
  expect(new Set(got)).toEqual(new Set(['token-1']));
});

it('refreshes a minute before expiry, and after invalidate()', async () => {
  const prefix = uniquePrefix();
  let clock = 1_000_000;
  let fetches = 0;
  const { tokens } = provider(
    prefix,
    async () => ({ accessToken: `token-${++fetches}`, expiresInSec: 3600 }),
    () => clock,
  );
  expect(await tokens.get()).toBe('token-1');
  clock += 3600_000 - 61_000;
  expect(await tokens.get()).toBe('token-1');
  clock += 2000; // now inside the last minute
  expect(await tokens.get()).toBe('token-2');
  await tokens.invalidate('token-2');
  expect(await tokens.get()).toBe('token-3');
});

it('does not drop a newer shared token when an old one is invalidated', async () => {
  const prefix = uniquePrefix();
  let fetches = 0;
  const fetchToken = async () => ({ accessToken: `token-${++fetches}`, expiresInSec: 3600 });
  const a = provider(prefix, fetchToken).tokens;
  const b = provider(prefix, fetchToken).tokens;
  await a.get();
  await a.invalidate('token-1');
  expect(await a.get()).toBe('token-2');
  await b.invalidate('token-1'); // b learned late that token-1 was bad
  expect(await b.get()).toBe('token-2');
  expect(fetches).toBe(2);
});

it('logs rejected credentials once and fails fast without asking Zoom again', async () => {
  let fetches = 0;
  const { tokens, logs } = provider(uniquePrefix(), async () => {
    fetches++;
    throw new ZoomCredentialsError(400, 'Invalid client_id or client_secret');
  });
  const results = await Promise.allSettled(Array.from({ length: 50 }, () => tokens.get()));
  await Promise.allSettled(Array.from({ length: 50 }, () => tokens.get()));
  expect(
    results.every((r) => r.status === 'rejected' && r.reason instanceof ZoomCredentialsError),
  ).toBe(true);
  expect(fetches).toBe(1);
  expect(logs.lines.filter((l) => l.level === 50)).toHaveLength(1);
  // Named by a hash of the credentials (one alert per set of them), never by the secret.
  const named = (results[0] as PromiseRejectedResult).reason as ZoomCredentialsError;
  expect(named.credentialsId).toMatch(/^[0-9a-f]{24}$/);
});

it('never writes the token to the log', async () => {
  const { tokens, logs } = provider(uniquePrefix(), async () => ({
    accessToken: 'very-secret-token',
    expiresInSec: 3600,
  }));
  await tokens.get();
  expect(logs.text()).not.toContain('very-secret-token');
  expect(logs.lines.map((l) => l.msg)).toContain('zoom access token fetched');
});

it('reports the credentials accepted again once a token fetched with them is shared by another process', async () => {
  const prefix = uniquePrefix();
  let clock = 1_000_000;
  const now = () => clock;
  const rejecting = provider(
    prefix,
    async () => {
      throw new ZoomCredentialsError(401, 'Invalid client_id or client_secret');
    },
    now,
  ).tokens;
  expect(await rejecting.verify()).toBe('rejected');
  expect(rejecting.credentials()).toBe('rejected');
  // Another process with the same credentials gets a token (Zoom's refusal was a blip).
  await provider(
    prefix,
    async () => ({ accessToken: 'shared', expiresInSec: 3600 }),
    now,
  ).tokens.get();
  clock += 31_000; // past the fail-fast window
  expect(await rejecting.get()).toBe('shared');
  expect(rejecting.credentials()).toBe('accepted');
});

it("keeps using the token in hand when its refresh fails within the token's last minute", async () => {
  const prefix = uniquePrefix();
  let calls = 0;
  const fetchToken = () => {
    calls++;
    if (calls === 1) return Promise.resolve({ accessToken: 'still-good', expiresInSec: 50 });
    return Promise.reject(new Error('OAuth answered 503'));
  };
  const { tokens } = provider(prefix, fetchToken);
  expect(await tokens.get()).toBe('still-good');
  // 50 s left is inside the refresh minute: a refresh is tried, fails, and the token is kept.
  expect(await tokens.get()).toBe('still-good');
  expect(calls).toBe(2);
});
