import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** How a `redis-server` ended: its exit code, or the signal that ended it. */
export interface RedisExit {
  code: number | null;
  signal: string | null;
}

/** `(code 1, signal none)`: an exit in words, for logs and `/readyz`. */
export function describeExit(exit: RedisExit): string {
  return `code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'}`;
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

/**
 * A private `redis-server`: loopback only, AOF on (fsync every second), `noeviction`, data under
 * `dir`. In a process group of its own, so a Ctrl-C meant for the service does not stop Redis
 * under it before the service has closed its connections.
 */
export function spawnRedisServer(
  binary: string,
  dir: string,
  port: number,
  extraArgs: readonly string[],
): ChildProcess {
  return spawn(
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
      ...extraArgs,
    ],
    { stdio: 'ignore', detached: true },
  );
}

export async function freePort(): Promise<number> {
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

/** Resolves once Redis on `port` answers PING; rejects when `child` exits or time runs out. */
export async function waitForPing(
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

/** True while a process with this id exists (it may belong to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
