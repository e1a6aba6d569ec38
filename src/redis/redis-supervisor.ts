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
  const { policy, log } = deps;
  const restarts = restartCount(policy.windowMs, deps.now ?? Date.now);
  let current = first;
  let state: EmbeddedRedisState = { status: 'running', pid: first.pid };
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;
  let giveUp!: (reason: string) => void;
  const gaveUp = new Promise<string>((r) => (giveUp = r));

  const down = (what: string) => {
    const recent = restarts.recent();
    if (recent >= policy.maxRestarts) {
      const reason = `${what}, ${recent} restarts within ${policy.windowMs} ms did not keep it up`;
      state = { status: 'failed', words: `${reason}; giving up` };
      log.error({ restarts: recent, windowMs: policy.windowMs }, `${reason}: giving up`);
      return giveUp(reason);
    }
    const delayMs = policy.delayMs * 2 ** recent;
    const next = `attempt ${recent + 1} of ${policy.maxRestarts}`;
    state = { status: 'restarting', words: `${what}; restarting (${next})` };
    timer = setTimeout(() => void (attempt = restart()), delayMs);
  };
  const watch = (redis: EmbeddedRedis) =>
    void redis.whenExited().then((exit: RedisExit) => {
      if (stopping || redis !== current) return;
      log.error(
        { redisPid: redis.pid, code: exit.code, signal: exit.signal },
        'embedded redis exited',
      );
      down(`embedded Redis exited (${describeExit(exit)})`);
    });
  const restart = async () => {
    restarts.add();
    try {
      const next = await deps.restart();
      if (stopping) return void (await next.stop());
      current = next;
      state = { status: 'running', pid: next.pid };
      log.info({ redisPid: next.pid, port: next.port }, 'embedded redis restarted');
      watch(next);
    } catch (err) {
      if (stopping) return;
      const message = (err as Error).message;
      log.error({ err: { message } }, 'embedded redis did not restart');
      down(`embedded Redis did not restart: ${message}`);
    }
  };
  watch(first);

  return {
    url: first.url,
    port: first.port,
    state: () => state,
    gaveUp,
    stop: async (graceMs) => {
      stopping = true;
      clearTimeout(timer);
      await attempt;
      await current.stop(graceMs);
    },
  };
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
