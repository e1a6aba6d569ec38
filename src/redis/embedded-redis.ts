import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  EmbeddedRedisBusyError,
  readRecord,
  removeRecord,
  writeRecord,
  type DataDirRecord,
} from './data-dir-owner';
import {
  findRedisServer,
  freePort,
  isAlive,
  spawnRedisServer,
  waitForPing,
  type RedisExit,
} from './redis-process';

export { EmbeddedRedisBusyError } from './data-dir-owner';
export { findRedisServer, type RedisExit } from './redis-process';

/** No `redis-server` on this machine; the message names the three ways out. */
export class RedisNotFoundError extends Error {
  override name = 'RedisNotFoundError' as const;
  readonly code = 'REDIS_NOT_FOUND';
  constructor() {
    super(
      'REDIS_URL is not set and no redis-server binary was found for the embedded Redis. Either:\n' +
        '  1. install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis),\n' +
        '  2. set REDIS_URL=redis://host:6379 to use a Redis you run, or\n' +
        '  3. run the whole stack with `docker compose up`.',
    );
  }
}

export interface EmbeddedRedis {
  url: string;
  port: number;
  pid: number;
  /** False when an embedded Redis left running on the same data directory was reused. */
  owned: boolean;
  /** Resolves when the server exits (a reused one is watched by its pid: code and signal unknown). */
  whenExited(): Promise<RedisExit>;
  /** Stops the server (when owned): SIGTERM, then SIGKILL after `graceMs`; waits for it to exit. */
  stop(graceMs?: number): Promise<void>;
  /** Kills the server at once (tests use this to simulate a crash). */
  kill(): void;
}

export interface EmbeddedRedisOptions {
  dataDir: string;
  binary?: string;
  /** Extra `redis-server` arguments, e.g. `['--maxmemory-policy', 'allkeys-lru']` in tests. */
  extraArgs?: readonly string[];
  port?: number;
  /** Where to look for `redis-server` (its PATH). */
  env: Record<string, string | undefined>;
  /** Record this process as the owner of a server left running whose owner is gone (the service). */
  claim?: boolean;
}

/**
 * Starts a private `redis-server` for this process, and records it (pid, port, owner) in the data
 * directory. A server already running on the directory is reused rather than started twice on the
 * same files; when its owner is alive but it does not answer, nothing is started
 * ({@link EmbeddedRedisBusyError}): the owner is restarting it.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const dir = resolve(options.dataDir);
  mkdirSync(dir, { recursive: true });
  const reused = await reuseRunning(dir, options.claim === true);
  if (reused) return reused;

  const binary = options.binary ?? findRedisServer(options.env);
  if (!binary) throw new RedisNotFoundError();
  const port = options.port ?? (await freePort());
  const child = spawnRedisServer(binary, dir, port, options.extraArgs ?? []);
  const exited = new Promise<RedisExit>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  try {
    await waitForPing(port, child, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(
      `embedded redis-server did not start: ${(err as Error).message} (see ${join(dir, 'redis.log')})`,
    );
  }
  const pid = child.pid ?? 0;
  writeRecord(dir, { pid, port, ownerPid: process.pid });
  // However this process ends (an exit, a second Ctrl-C), its Redis shuts down cleanly too.
  const onProcessExit = () => {
    if (running()) child.kill('SIGTERM');
    removeRecord(dir, pid);
  };
  process.on('exit', onProcessExit);
  void exited.then(() => process.off('exit', onProcessExit));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid,
    owned: true,
    whenExited: () => exited,
    kill: () => child.kill('SIGKILL'),
    stop: async (graceMs = 5000) => {
      if (running()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      removeRecord(dir, pid);
    },
  };
}

async function reuseRunning(dir: string, claim: boolean): Promise<EmbeddedRedis | undefined> {
  const record = readRecord(dir);
  if (!record) return undefined;
  const ownerAlive =
    record.ownerPid !== undefined && record.ownerPid !== process.pid && isAlive(record.ownerPid);
  if (
    isAlive(record.pid) &&
    (await waitForPing(record.port, undefined, 1000).then(
      () => true,
      () => false,
    ))
  ) {
    if (claim && !ownerAlive) writeRecord(dir, { ...record, ownerPid: process.pid });
    return reusedHandle(record);
  }
  if (ownerAlive) throw new EmbeddedRedisBusyError(dir, record.ownerPid!, record.port);
  removeRecord(dir);
  return undefined;
}

/** A server another process started: watched by its pid, never stopped by us. */
function reusedHandle(record: DataDirRecord): EmbeddedRedis {
  let watch: NodeJS.Timeout | undefined;
  let exited: Promise<RedisExit> | undefined;
  return {
    url: `redis://127.0.0.1:${record.port}`,
    port: record.port,
    pid: record.pid,
    owned: false,
    whenExited: () =>
      (exited ??= new Promise((done) => {
        watch = setInterval(() => {
          if (isAlive(record.pid)) return;
          clearInterval(watch);
          done({ code: null, signal: null });
        }, 250);
      })),
    stop: () => Promise.resolve(clearInterval(watch)),
    kill: () => {},
  };
}
