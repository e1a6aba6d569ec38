import { createHash, randomUUID } from 'node:crypto';
import type { RedisConnection } from '../redis/connect';
import type { Logger } from '../logging/create-logger';
import { ZoomCredentialsError, ZoomNetworkError } from './errors';
import type { FetchedToken } from './oauth';

/** What Zoom last said of our client credentials: nothing yet, accepted, or rejected. */
export type CredentialsState = 'unknown' | 'accepted' | 'rejected';

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

interface Cached {
  token: string;
  expiresAt: number;
}

// Deletes the shared token only if it is still the one Zoom rejected.
const DELETE_IF_SAME = `local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).token == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
// Releases the refresh lock only if we still hold it.
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * One token for all worker processes, kept in Redis and refreshed a minute before expiry by one
 * caller at a time: callers in this process share one promise, processes share a Redis lock
 * (`SET NX PX`) and wait for the winner's token. 200 jobs starting together cost one OAuth call.
 */
export function createTokenProvider(deps: TokenProviderDeps): TokenProvider {
  const now = deps.now ?? Date.now;
  const margin = deps.refreshMarginMs ?? 60_000;
  const lockTtlMs = deps.lockTtlMs ?? 15_000;
  const backoffMs = deps.credentialsBackoffMs ?? 30_000;
  const id = createHash('sha256').update(deps.appId).digest('hex').slice(0, 24);
  const tokenKey = `${deps.keyPrefix}:zoom:token:${id}`;
  const lockKey = `${tokenKey}:lock`;
  let cached: Cached | undefined;
  let inflight: Promise<string> | undefined;
  let rejected: { error: ZoomCredentialsError; until: number } | undefined;
  let state: CredentialsState = 'unknown';

  const fresh = (c: Cached | undefined): c is Cached =>
    c !== undefined && c.expiresAt - margin > now();

  async function readShared(): Promise<Cached | undefined> {
    const raw = await deps.redis.get(tokenKey);
    if (raw === null) return undefined;
    const value = JSON.parse(raw) as Cached;
    return fresh(value) ? value : undefined;
  }

  async function fetchAndShare(): Promise<Cached> {
    let fetched: FetchedToken;
    try {
      fetched = await deps.fetchToken();
    } catch (err) {
      deps.onFetch?.(err instanceof ZoomCredentialsError ? 'rejected' : 'error');
      if (!(err instanceof ZoomCredentialsError)) throw err;
      if (!rejected) deps.log.error({ status: err.status, reason: err.reason }, err.message);
      const named = new ZoomCredentialsError(err.status, err.reason, id);
      rejected = { error: named, until: now() + backoffMs };
      state = 'rejected';
      throw named;
    }
    deps.onFetch?.('ok');
    if (state === 'rejected') deps.log.info('zoom credentials accepted again');
    rejected = undefined;
    state = 'accepted';
    const value: Cached = {
      token: fetched.accessToken,
      expiresAt: now() + fetched.expiresInSec * 1000,
    };
    const ttl = Math.max(1000, value.expiresAt - margin - now());
    await deps.redis.set(tokenKey, JSON.stringify(value), 'PX', ttl);
    deps.log.info({ expiresInSec: fetched.expiresInSec }, 'zoom access token fetched');
    return value;
  }

  async function obtain(): Promise<string> {
    const giveUpAt = now() + lockTtlMs * 2;
    for (;;) {
      const shared = await readShared();
      if (shared) {
        // A token stored under this hash proves Zoom accepted exactly these credentials.
        state = 'accepted';
        return (cached = shared).token;
      }
      const nonce = randomUUID();
      if ((await deps.redis.set(lockKey, nonce, 'PX', lockTtlMs, 'NX')) === 'OK') {
        try {
          return (cached = await fetchAndShare()).token;
        } finally {
          await deps.redis.eval(RELEASE_LOCK, 1, lockKey, nonce);
        }
      }
      if (now() > giveUpAt)
        // Transient like any OAuth trouble: the start is retried, never failed for this.
        throw new ZoomNetworkError('oauth', 'TOKEN_WAIT_TIMEOUT');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    async get() {
      if (fresh(cached)) return cached.token;
      if (rejected && rejected.until > now()) throw rejected.error;
      inflight ??= obtain().finally(() => (inflight = undefined));
      return inflight;
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
      return state;
    },
    credentials: () => state,
    async invalidate(token) {
      if (cached?.token === token) cached = undefined;
      await deps.redis.eval(DELETE_IF_SAME, 1, tokenKey, token);
    },
  };
}
