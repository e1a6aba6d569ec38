import type { RedisConnection } from '../redis/connect';

export interface SweepRotation {
  /** The users in the order this sweep asks them: from the rotation point, wrapping around. */
  order(users: readonly string[]): Promise<string[]>;
  /**
   * Moves the rotation point: to the first user a stopped sweep did not reach (`reached` of
   * `total`), or one user further when the sweep reached them all.
   */
  advance(reached: number, total: number): Promise<void>;
}

/**
 * Where each sweep begins in the user list. Without it every sweep began with the first user, so
 * sweeps stopped early, or failures tied to a position in the sweep (an outage letting every
 * other call through), missed the same users every time. The point is kept in Redis, so it
 * survives a change of the worker that sweeps; one sweep runs at a time (the runner's lock).
 */
export function createSweepRotation(redis: RedisConnection, key: string): SweepRotation {
  let start = 0;
  return {
    async order(users) {
      const stored = Number((await redis.get(key)) ?? 0);
      start =
        users.length > 0 && Number.isSafeInteger(stored) && stored >= 0 ? stored % users.length : 0;
      return [...users.slice(start), ...users.slice(0, start)];
    },
    async advance(reached, total) {
      if (total === 0) return;
      const next = (start + (reached >= total ? 1 : reached)) % total;
      await redis.set(key, String(next));
    },
  };
}
