import type { RedisConnection } from '../redis/connect';
import type { Logger } from '../logging/create-logger';
import { withDeadline } from '../redis/connections';
import { plainRedisError } from '../redis/redis-errors';
import type { EmbeddedRedisState } from '../redis/redis-supervisor';
import type { CredentialsState } from '../zoom/token-provider';
import { errorShape } from '../logging/log-throttle';
import { evictionPolicy } from '../redis/redis-policy';
import { DEFAULT_ACCOUNT } from '../domain/account';

export interface ReadinessDeps {
  redis: RedisConnection;
  /** Key prefix of the deployment: the write check uses a key of ours (same slot on a cluster). */
  keyPrefix: string;
  /** How often the eviction policy is read again (it can be changed at run time). */
  checkIntervalMs: number;
  /** Longest wait for Redis within one check. */
  timeoutMs: number;
  /** Workers: what Zoom last said of each account's client credentials. */
  credentials?: () => readonly AccountCredentials[];
  /** The embedded Redis' supervisor, when this process runs one. */
  embedded?: () => EmbeddedRedisState;
  log: Logger;
}

/** What Zoom last said of one account's client credentials. */
export interface AccountCredentials {
  account: string;
  state: CredentialsState;
}

export interface ReadinessReport {
  ready: boolean;
  /** What is wrong, in words an operator can act on; empty when ready. */
  problems: string[];
  /** What is wrong with part of the work only (an account's credentials); ready all the same. */
  warnings?: string[];
  /** Redis' part: it accepts writes and never evicts. */
  redis: boolean;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  stop(): void;
}

/**
 * `/readyz` tells the truth about what this role needs: Redis accepts a write to a key of ours
 * (not only PING, which a full, read-only or wrong Cluster node still answers), Redis never
 * evicts keys (re-read every `checkIntervalMs`, since it can be changed at run time), and for
 * workers, Zoom has not rejected the client credentials. While the embedded Redis is down, it
 * says that, in words, instead of the client's connection error.
 */
export function createReadiness(deps: ReadinessDeps): Readiness {
  const key = `${deps.keyPrefix}:readyz`;
  const policy = watchEvictionPolicy(deps);
  const logChange = changeLogger(deps.log);

  return {
    async check() {
      const problems = await redisProblems(deps, key, policy.current);
      const redis = problems.length === 0;
      const credentials = credentialsReport(deps.credentials?.() ?? []);
      problems.push(...credentials.problems);
      logChange([...problems, ...credentials.warnings]);
      return { ready: problems.length === 0, problems, redis, warnings: credentials.warnings };
    },
    stop: policy.stop,
  };
}

/**
 * Rejected credentials make the process unready only when they are every account's (it can do
 * no work at all); one account's rejection is a warning naming it: the others keep starting, so
 * the load balancer keeps the process.
 */
export function credentialsReport(accounts: readonly AccountCredentials[]): {
  problems: string[];
  warnings: string[];
} {
  const rejected = accounts.filter((a) => a.state === 'rejected').map((a) => a.account);
  if (rejected.length === 0) return { problems: [], warnings: [] };
  if (rejected.length < accounts.length)
    return {
      problems: [],
      warnings: rejected.map(
        (name) =>
          `zoom rejected the client credentials of account ${name}: its starts wait until they are fixed; the other accounts keep starting`,
      ),
    };
  const only = accounts.length === 1 && accounts[0]!.account === DEFAULT_ACCOUNT;
  return {
    problems: [
      only
        ? 'zoom rejected the client credentials: check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET'
        : `zoom rejected the client credentials of every account (${rejected.join(', ')}): check their client_id and client_secret`,
    ],
    warnings: [],
  };
}

/** Reads Redis' eviction policy now and every `checkIntervalMs`, logging a change to an evicting one. */
function watchEvictionPolicy(deps: ReadinessDeps): {
  current: () => string | undefined;
  stop: () => void;
} {
  let policy: string | undefined;
  const readPolicy = async (): Promise<void> => {
    try {
      const next = await withDeadline(evictionPolicy(deps.redis), deps.timeoutMs);
      if (next !== policy && next !== undefined && next !== 'noeviction')
        deps.log.error(
          { policy: next },
          'redis may evict keys (maxmemory-policy is not noeviction): queued starts can be lost',
        );
      policy = next;
    } catch {
      // Unreachable Redis shows in the write check.
    }
  };
  void readPolicy();
  const timer = setInterval(() => void readPolicy(), deps.checkIntervalMs);
  timer.unref();
  return { current: () => policy, stop: () => clearInterval(timer) };
}

/** Probes ask every few seconds: the answer is logged when it changes, not on every probe. */
function changeLogger(log: Logger): (problems: readonly string[]) => void {
  let lastProblems = '';
  return (problems) => {
    // What is wrong, not how the client put it this time ("Connection is closed", "Stream isn't
    // writeable"): the words before the first colon.
    const shape = errorShape(problems.map((p) => p.split(':')[0]).join('; '));
    if (shape === lastProblems) return;
    if (problems.length > 0) log.warn({ problems }, 'not ready');
    else log.info('ready again');
    lastProblems = shape;
  };
}

/** Redis' part: the embedded server is up, it accepts a write to our key, and it never evicts. */
async function redisProblems(
  deps: ReadinessDeps,
  key: string,
  currentPolicy: () => string | undefined,
): Promise<string[]> {
  const problems: string[] = [];
  const embedded = deps.embedded?.();
  if (embedded && embedded.status !== 'running') {
    problems.push(embedded.words);
  } else {
    try {
      await withDeadline(deps.redis.set(key, String(Date.now()), 'PX', 60_000), deps.timeoutMs);
    } catch (err) {
      problems.push(`redis does not accept writes: ${plainRedisError(err)}`);
    }
  }
  const policy = currentPolicy();
  if (policy !== undefined && policy !== 'noeviction')
    problems.push(
      `redis maxmemory-policy is ${policy}: set it to noeviction, or queued starts can be evicted`,
    );
  return problems;
}
