import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';

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
  /** Stops the server (when owned) and waits for it to exit. */
  stop(): Promise<void>;
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
}

const STATE_FILE = 'embedded.json';

/**
 * Starts a private `redis-server` for this service: loopback only, AOF on (fsync every second),
 * `noeviction`, data under `dataDir`. A server a previous run left behind on the same directory is
 * reused rather than started twice on the same files.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const dir = resolve(options.dataDir);
  mkdirSync(dir, { recursive: true });
  const reused = await findRunning(dir);
  if (reused) return reused;

  const binary = options.binary ?? findRedisServer(options.env);
  if (!binary) throw new RedisNotFoundError();
  const port = options.port ?? (await freePort());
  const child = spawn(
    binary,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--protected-mode',
      'yes',
      '--daemonize',
      'no',
      '--logfile',
      join(dir, 'redis.log'),
      ...(options.extraArgs ?? []),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    await waitForPing(port, child, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(
      `embedded redis-server did not start: ${(err as Error).message} (see ${join(dir, 'redis.log')})`,
    );
  }
  writeFileSync(join(dir, STATE_FILE), JSON.stringify({ pid: child.pid, port }));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? 0,
    owned: true,
    kill: () => child.kill('SIGKILL'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(join(dir, STATE_FILE), { force: true });
    },
  };
}

export function findRedisServer(env: Record<string, string | undefined>): string | undefined {
  const dirs = [
    ...(env.PATH ?? '').split(delimiter),
    '/usr/sbin',
    '/usr/local/sbin',
    '/usr/local/bin',
    '/opt/homebrew/bin',
  ];
  return dirs.map((d) => join(d, 'redis-server')).find((p) => p.startsWith('/') && existsSync(p));
}

async function findRunning(dir: string): Promise<EmbeddedRedis | undefined> {
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const { pid, port } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; port: number };
    process.kill(pid, 0);
    await waitForPing(port, undefined, 1000);
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid,
      owned: false,
      stop: async () => {},
      kill: () => {},
    };
  } catch {
    rmSync(file, { force: true });
    return undefined;
  }
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      done(data.toString().startsWith('+PONG'));
    });
    socket.once('timeout', () => (socket.destroy(), done(false)));
    socket.once('error', () => done(false));
  });
}

async function waitForPing(
  port: number,
  child: ChildProcess | undefined,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no answer on port ${port} within ${timeoutMs} ms`);
}
