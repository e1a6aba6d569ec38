import type { RedisConnection } from '../redis/connect';
import { withDeadline } from '../redis/connections';
import { plainRedisError } from '../redis/redis-errors';
import { evictionPolicy } from '../redis/redis-policy';
import { fail, ok, type CheckResult } from './checklist';

/** BullMQ refuses older Redis, and recommends at least this. */
const MINIMUM = [5, 0, 0];
const RECOMMENDED = [6, 2, 0];

/** Host and port only: a Redis URL may carry a password. */
export function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'REDIS_URL';
  }
}

/**
 * What the service needs of Redis, checked the way it runs: reachable, accepting a write to a
 * key of ours (`<prefix>:readyz`, as `/readyz` writes), never evicting, and recent enough.
 */
export async function checkRedis(
  redis: RedisConnection,
  where: string,
  prefix: string,
  timeoutMs = 5000,
): Promise<CheckResult[]> {
  try {
    if (redis.status !== 'ready')
      await withDeadline(
        new Promise((ready, failed) => {
          redis.once('ready', ready);
          redis.once('error', failed);
        }),
        timeoutMs,
      );
    await withDeadline(redis.ping(), timeoutMs);
  } catch (err) {
    return [
      fail(
        'Redis reachable',
        `no answer from ${where}: ${plainRedisError(err)}`,
        'start Redis, or set REDIS_URL to a Redis this machine can reach (host, port, TLS with rediss://, password)',
      ),
    ];
  }
  const results = [ok('Redis reachable', where)];
  try {
    await withDeadline(redis.set(`${prefix}:readyz`, String(Date.now()), 'PX', 60_000), timeoutMs);
    results.push(ok('Redis accepts writes', `key ${prefix}:readyz`));
  } catch (err) {
    results.push(
      fail(
        'Redis accepts writes',
        plainRedisError(err),
        'point REDIS_URL at a primary (not a replica), free memory or raise maxmemory, and give the user write access to the QUEUE_PREFIX keys',
      ),
    );
  }
  const policy = await withDeadline(evictionPolicy(redis), timeoutMs).catch(() => undefined);
  results.push(
    policy === undefined || policy === 'noeviction'
      ? ok('Redis never evicts keys', `maxmemory-policy ${policy ?? 'not reported'}`)
      : fail(
          'Redis never evicts keys',
          `maxmemory-policy is ${policy}: under memory pressure Redis deletes keys, queued starts among them`,
          'set maxmemory-policy noeviction (redis.conf, or CONFIG SET maxmemory-policy noeviction; on managed Redis, its parameter group)',
        ),
  );
  const info = await withDeadline(redis.info('server'), timeoutMs).catch(() => '');
  const version = /^redis_version:(\S+)/m.exec(info)?.[1];
  results.push(versionCheck(version));
  return results;
}

function versionCheck(version: string | undefined): CheckResult {
  const title = 'Redis version';
  if (version === undefined) return { status: 'warn', title, detail: 'not reported' };
  const parts = version.split('.').map(Number);
  const below = (min: number[]) => {
    for (let i = 0; i < 3; i++) if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) < min[i]!;
    return false;
  };
  if (below(MINIMUM))
    return fail(title, `${version}: BullMQ needs ${MINIMUM.join('.')} or newer`, 'upgrade Redis');
  if (below(RECOMMENDED))
    return {
      status: 'warn',
      title,
      detail: `${version}: BullMQ recommends ${RECOMMENDED.join('.')} or newer`,
      fix: 'upgrade Redis when you can',
    };
  return ok(title, version);
}
