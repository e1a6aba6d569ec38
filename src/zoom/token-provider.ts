import type { RedisConnection } from '../redis/connect';
import type { Logger } from '../logging/create-logger';
import {
  createCredentialsState,
  type CredentialsState,
  type CredentialsTracker,
} from './credentials-state';
import { ZoomCredentialsError, ZoomNetworkError } from './errors';
import type { FetchedToken } from './oauth';
import { createSharedToken, type CachedToken, type SharedToken } from './shared-token';

export type { CredentialsState } from './credentials-state';

export interface TokenProvider {
  /** A valid access token, from this process, from Redis, or fetched by exactly one caller. */
  get(): Promise<string>;
  /**
   * Asks Zoom for a token now (one OAuth call) and shares it, so a wrong secret shows at
   * start-up instead of hiding behind a token cached by an earlier process.
   */
  verify(): Promise<CredentialsState>;
  /** What Zoom last said of the credentials (readiness). */
  credentials(): CredentialsState;
  /** Zoom said 401/124 for this token: forget it here and in Redis (if still the same). */
  invalidate(token: string): Promise<void>;
}

export interface TokenProviderDeps {
  redis: RedisConnection;
  keyPrefix: string;
  /**
   * The OAuth app's identity: account id, client id and client secret. Only a hash of it names
   * the shared token, so apps (or a changed secret) sharing one Redis never share tokens, and the
   * secret itself is never stored.
   */
  appId: string;
  fetchToken: () => Promise<FetchedToken>;
  log: Logger;
  now?: () => number;
  /** Tokens are refreshed this long before they expire. */
  refreshMarginMs?: number;
  /** After rejected credentials, callers fail fast for this long instead of asking Zoom again. */
  credentialsBackoffMs?: number;
  lockTtlMs?: number;
  /** Called once per OAuth request (metrics). */
  onFetch?: (outcome: 'ok' | 'rejected' | 'error') => void;
}

/**
 * One token for all worker processes, kept in Redis and refreshed a minute before expiry by one
 * caller at a time: callers in this process share one promise, processes share a Redis lock
 * (`SET NX PX`) and wait for the winner's token. 200 jobs starting together cost one OAuth call.
 */
export function createTokenProvider(deps: TokenProviderDeps): TokenProvider {
  const now = deps.now ?? Date.now;
  const lockTtlMs = deps.lockTtlMs ?? 15_000;
  const shared = createSharedToken({
    ...deps,
    now,
    marginMs: deps.refreshMarginMs ?? 60_000,
    lockTtlMs,
  });
  const credentials = createCredentialsState(
    shared.id,
    deps.log,
    now,
    deps.credentialsBackoffMs ?? 30_000,
  );
  const fetchAndShare = () => fetchAndShareToken(deps, now, shared, credentials);
  let cached: CachedToken | undefined;
  let inflight: Promise<string> | undefined;

  return {
    async get() {
      if (shared.fresh(cached)) return cached.token;
      const rejected = credentials.backingOff();
      if (rejected) throw rejected;
      inflight ??= obtain(shared, credentials, fetchAndShare, now, lockTtlMs)
        .then((token) => (cached = token).token)
        .finally(() => (inflight = undefined));
      try {
        return await inflight;
      } catch (err) {
        // OAuth trouble during the token's last minute: the token in hand is still good, use it.
        // (`cached` is read again: it may have been set since the freshness check above.)
        const held = cached as CachedToken | undefined;
        const left = held ? held.expiresAt - now() : 0;
        if (!(err instanceof ZoomCredentialsError) && held && left > STILL_GOOD_MS)
          return held.token;
        throw err;
      }
    },
    async verify() {
      try {
        cached = await fetchAndShare();
      } catch (err) {
        if (!(err instanceof ZoomCredentialsError))
          deps.log.warn(
            { err: { message: (err as Error).message } },
            'could not check the zoom credentials at start-up; they are checked again at the first call',
          );
      }
      return credentials.state();
    },
    credentials: () => credentials.state(),
    async invalidate(token) {
      if (cached?.token === token) cached = undefined;
      await shared.forget(token);
    },
  };
}

/** A token this close to its expiry is not used past a failed refresh. */
const STILL_GOOD_MS = 5000;

/**
 * The shared token, or a new one fetched and shared by whoever takes the refresh lock; the others
 * read it again every 50 ms until it is there or `lockTtlMs * 2` have passed.
 */
async function obtain(
  shared: SharedToken,
  credentials: CredentialsTracker,
  fetchAndShare: () => Promise<CachedToken>,
  now: () => number,
  lockTtlMs: number,
): Promise<CachedToken> {
  const giveUpAt = now() + lockTtlMs * 2;
  for (;;) {
    const found = await shared.read();
    if (found) {
      credentials.foundShared();
      return found;
    }
    const nonce = await shared.lock();
    if (nonce !== undefined) {
      try {
        return await fetchAndShare();
      } finally {
        await shared.unlock(nonce);
      }
    }
    if (now() > giveUpAt)
      // Transient like any OAuth trouble: the start is retried, never failed for this.
      throw new ZoomNetworkError('oauth', 'TOKEN_WAIT_TIMEOUT');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One OAuth call: the token shared in Redis, or Zoom's rejection recorded and thrown. */
async function fetchAndShareToken(
  deps: TokenProviderDeps,
  now: () => number,
  shared: SharedToken,
  credentials: CredentialsTracker,
): Promise<CachedToken> {
  let fetched: FetchedToken;
  try {
    fetched = await deps.fetchToken();
  } catch (err) {
    deps.onFetch?.(err instanceof ZoomCredentialsError ? 'rejected' : 'error');
    if (!(err instanceof ZoomCredentialsError)) throw err;
    throw credentials.rejected(err);
  }
  deps.onFetch?.('ok');
  credentials.accepted();
  const value: CachedToken = {
    token: fetched.accessToken,
    expiresAt: now() + fetched.expiresInSec * 1000,
  };
  await shared.write(value);
  deps.log.info({ expiresInSec: fetched.expiresInSec }, 'zoom access token fetched');
  return value;
}
