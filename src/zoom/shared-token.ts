import { createHash, randomUUID } from 'node:crypto';
import type { RedisConnection } from '../redis/connect';

/** An access token and when it expires (ms since the epoch). */
export interface CachedToken {
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

export interface SharedTokenDeps {
  redis: RedisConnection;
  keyPrefix: string;
  /** The OAuth app's identity; only a hash of it names the key. */
  appId: string;
  now: () => number;
  /** Tokens count as stale this long before they expire. */
  marginMs: number;
  lockTtlMs: number;
}

/**
 * The token all processes share in Redis, under a hash of the app's identity, and the refresh lock
 * (`SET NX PX`) that lets one process at a time fetch a new one.
 */
export function createSharedToken(deps: SharedTokenDeps) {
  const { redis, now, marginMs } = deps;
  const id = createHash('sha256').update(deps.appId).digest('hex').slice(0, 24);
  const tokenKey = `${deps.keyPrefix}:zoom:token:${id}`;
  const lockKey = `${tokenKey}:lock`;
  const fresh = (c: CachedToken | undefined): c is CachedToken =>
    c !== undefined && c.expiresAt - marginMs > now();

  return {
    /** The hash naming these credentials (in keys and in errors; never the secret). */
    id,
    fresh,
    /** The shared token, if there is one still fresh. */
    async read(): Promise<CachedToken | undefined> {
      const raw = await redis.get(tokenKey);
      if (raw === null) return undefined;
      const value = JSON.parse(raw) as CachedToken;
      return fresh(value) ? value : undefined;
    },
    /** Shares a token until it goes stale (at least a second). */
    async write(value: CachedToken): Promise<void> {
      const ttl = Math.max(1000, value.expiresAt - marginMs - now());
      await redis.set(tokenKey, JSON.stringify(value), 'PX', ttl);
    },
    /** Takes the refresh lock: its nonce, or undefined when another caller holds it. */
    async lock(): Promise<string | undefined> {
      const nonce = randomUUID();
      const taken = await redis.set(lockKey, nonce, 'PX', deps.lockTtlMs, 'NX');
      return taken === 'OK' ? nonce : undefined;
    },
    async unlock(nonce: string): Promise<void> {
      await redis.eval(RELEASE_LOCK, 1, lockKey, nonce);
    },
    /** Forgets the shared token if it is still `token`. */
    async forget(token: string): Promise<void> {
      await redis.eval(DELETE_IF_SAME, 1, tokenKey, token);
    },
  };
}

export type SharedToken = ReturnType<typeof createSharedToken>;
