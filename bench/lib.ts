import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');

export interface Child {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Runs a TypeScript entry point (via tsx) and waits until its output matches `ready`. */
export async function spawnTs(
  file: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  nodeFlags: string[] = [],
): Promise<Child & { match: RegExpExecArray }> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', join(ROOT, file), ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const onData = (d: Buffer) => {
    if (output.length < 200_000) output += d.toString();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const until = Date.now() + 30_000;
  let match: RegExpExecArray | null = null;
  while (!(match = ready.exec(output))) {
    if (Date.now() > until || child.exitCode !== null)
      throw new Error(`${file} did not start:\n${output}`);
    await sleep(20);
  }
  return {
    child,
    match,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    NaN
  );
}

/**
 * A TCP proxy in front of Redis that counts round trips: every time the client sends after the
 * server has answered (or first), that is one request/response exchange. Pipelined commands sent
 * together count once, as they cost one network round trip.
 */
export async function countingProxy(targetPort: number): Promise<{
  port: number;
  roundTrips: () => number;
  reset: () => void;
  close: () => Promise<void>;
}> {
  let trips = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    let awaitingReply = false;
    sockets.add(client).add(upstream);
    client.on('data', (d) => {
      if (!awaitingReply) trips++;
      awaitingReply = true;
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      awaitingReply = false;
      client.write(d);
    });
    const end = () => (client.destroy(), upstream.destroy());
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    roundTrips: () => trips,
    reset: () => void (trips = 0),
    close: () =>
      new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}
