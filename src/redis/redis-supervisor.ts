import type { Logger } from '../logging/create-logger';
import type { EmbeddedRedis } from './embedded-redis';
import { describeExit, type RedisExit } from './redis-process';

/** What the embedded Redis is doing, for `/readyz`, `/healthz` and the logs. */
export type EmbeddedRedisState =
  | { status: 'running'; pid: number }
  /** `words`: what happened and what is being done, as `/readyz` says it. */
  | { status: 'restarting'; words: string }
  | { status: 'failed'; words: string };

export interface RestartPolicy {
  /** Wait before the first restart; doubled for each further restart within `windowMs`. */
  delayMs: number;
  /** Restarts allowed within `windowMs`; one more failure gives up. */
  maxRestarts: number;
  windowMs: number;
}

export interface SupervisedRedis {
  url: string;
  port: number;
  state: () => EmbeddedRedisState;
  /** Resolves with the reason once the restarts allowed are used up and Redis is still down. */
  gaveUp: Promise<string>;
  /** No more restarts; stops the server (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface SuperviseDeps {
  /** Starts the server again, on the same data directory and port. */
  restart: () => Promise<EmbeddedRedis>;
  policy: RestartPolicy;
  log: Logger;
  now?: () => number;
}

/**
 * Watches the embedded Redis: its exit is logged at once, it is restarted with backoff on the same
 * directory and port (AOF: nothing acknowledged is lost; connections reconnect by themselves), and
 * after more than `maxRestarts` within `windowMs` it gives up, so the process can exit and be
 * restarted whole by its supervisor.
 */
export function superviseEmbeddedRedis(first: EmbeddedRedis, deps: SuperviseDeps): SupervisedRedis {
  let giveUp!: (reason: string) => void;
  const gaveUp = new Promise<string>((r) => (giveUp = r));
  const s: Supervision = {
    deps,
    restarts: restartCount(deps.policy.windowMs, deps.now ?? Date.now),
    current: first,
    state: { status: 'running', pid: first.pid },
    stopping: false,
    timer: undefined,
    attempt: undefined,
    giveUp,
  };
  watch(s, first);

  return {
    url: first.url,
    port: first.port,
    state: () => s.state,
    gaveUp,
    stop: async (graceMs) => {
      s.stopping = true;
      clearTimeout(s.timer);
      await s.attempt;
      await s.current.stop(graceMs);
    },
  };
}

/** The supervisor's running state, shared by its watch, restart and give-up steps. */
interface Supervision {
  deps: SuperviseDeps;
  restarts: ReturnType<typeof restartCount>;
  current: EmbeddedRedis;
  state: EmbeddedRedisState;
  stopping: boolean;
  timer: NodeJS.Timeout | undefined;
  attempt: Promise<void> | undefined;
  giveUp: (reason: string) => void;
}

/** Redis is down: schedules the next restart with backoff, or gives up past the policy. */
function down(s: Supervision, what: string): void {
  const { policy, log } = s.deps;
  const recent = s.restarts.recent();
  if (recent >= policy.maxRestarts) {
    const reason = `${what}, ${recent} restarts within ${policy.windowMs} ms did not keep it up`;
    s.state = { status: 'failed', words: `${reason}; giving up` };
    log.error({ restarts: recent, windowMs: policy.windowMs }, `${reason}: giving up`);
    return s.giveUp(reason);
  }
  const delayMs = policy.delayMs * 2 ** recent;
  const next = `attempt ${recent + 1} of ${policy.maxRestarts}`;
  s.state = { status: 'restarting', words: `${what}; restarting (${next})` };
  s.timer = setTimeout(() => void (s.attempt = restart(s)), delayMs);
}

/** Logs the current server's exit at once and treats it as down (not while stopping). */
function watch(s: Supervision, redis: EmbeddedRedis): void {
  void redis.whenExited().then((exit: RedisExit) => {
    if (s.stopping || redis !== s.current) return;
    s.deps.log.error(
      { redisPid: redis.pid, code: exit.code, signal: exit.signal },
      'embedded redis exited',
    );
    down(s, `embedded Redis exited (${describeExit(exit)})`);
  });
}

async function restart(s: Supervision): Promise<void> {
  const { log } = s.deps;
  s.restarts.add();
  try {
    const next = await s.deps.restart();
    if (s.stopping) return void (await next.stop());
    s.current = next;
    s.state = { status: 'running', pid: next.pid };
    log.info({ redisPid: next.pid, port: next.port }, 'embedded redis restarted');
    watch(s, next);
  } catch (err) {
    if (s.stopping) return;
    const message = (err as Error).message;
    log.error({ err: { message } }, 'embedded redis did not restart');
    down(s, `embedded Redis did not restart: ${message}`);
  }
}

/** How many restarts happened within the last `windowMs`. */
function restartCount(windowMs: number, now: () => number) {
  const times: number[] = [];
  return {
    add: () => void times.push(now()),
    recent: () => {
      while (times.length > 0 && times[0]! <= now() - windowMs) times.shift();
      return times.length;
    },
  };
}
