import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');

export type Role = 'receiver' | 'worker';

/** One running `start --role` process of the deployment. */
export interface Member {
  role: Role;
  slot: number;
  pid: number;
  url: string;
  logFile: string;
  child: ChildProcess;
}

export interface Fleet {
  receivers: () => Member[];
  workers: () => Member[];
  /** Every log file written so far (one per process started). */
  logFiles: () => string[];
  /** SIGKILL, then the same slot started again after `restartAfterMs`. */
  crash(member: Member, restartAfterMs: number): Promise<void>;
  /** A rolling deploy: each worker in turn gets SIGTERM, exits, and its successor is ready. */
  rollWorkers(): Promise<{ exitCodes: (number | string)[] }>;
  /** Called with each receiver's URL list whenever it changes (for the proxy). */
  onReceivers(listener: (urls: string[]) => void): void;
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) =>
  new Promise<number | string>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve(child.exitCode ?? child.signalCode ?? -1);
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });

/**
 * The deployment as real processes of the built CLI (`node dist/cli.js start --role …`), each
 * process's output in a log file of its own under `logDir`.
 */
export async function startFleet(
  counts: { receivers: number; workers: number },
  env: Record<string, string>,
  logDir: string,
): Promise<Fleet> {
  mkdirSync(logDir, { recursive: true });
  const members: Member[] = [];
  const files: string[] = [];
  const listeners: ((urls: string[]) => void)[] = [];
  let generation = 0;
  let stopping = false;
  const notify = () => {
    const urls = members.filter((m) => m.role === 'receiver').map((m) => m.url);
    for (const l of listeners) l(urls);
  };

  async function launch(role: Role, slot: number): Promise<Member> {
    const logFile = join(logDir, `${role}-${slot}.${++generation}.log`);
    files.push(logFile);
    const log = createWriteStream(logFile);
    const child = spawn(
      process.execPath,
      ['--max-semi-space-size=16', CLI, 'start', '--role', role],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env, PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.pipe(log);
    child.stderr.pipe(log, { end: false });
    let head = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${role} did not start: ${head}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        if (head.length > 20_000) return;
        head += d.toString();
        const found = /"url":"(http:[^"]+)"[^}]*"msg":"service started"/.exec(head)?.[1];
        if (!found) return;
        clearTimeout(timer);
        resolve(found);
      });
      child.once('exit', () =>
        reject(new Error(`${role} exited at start:\n${readFileSync(logFile, 'utf8')}`)),
      );
    });
    const member: Member = { role, slot, pid: child.pid!, url, logFile, child };
    members.push(member);
    if (role === 'receiver') notify();
    return member;
  }

  const remove = (member: Member) => {
    members.splice(members.indexOf(member), 1);
    if (member.role === 'receiver') notify();
  };

  await Promise.all([
    ...Array.from({ length: counts.receivers }, (_, i) => launch('receiver', i)),
    ...Array.from({ length: counts.workers }, (_, i) => launch('worker', i)),
  ]);

  return {
    receivers: () => members.filter((m) => m.role === 'receiver'),
    workers: () => members.filter((m) => m.role === 'worker'),
    logFiles: () => [...files],
    onReceivers: (listener) => void listeners.push(listener),
    crash: async (member, restartAfterMs) => {
      if (!members.includes(member)) return;
      remove(member);
      member.child.kill('SIGKILL');
      await exited(member.child);
      await new Promise((r) => setTimeout(r, restartAfterMs));
      if (!stopping) await launch(member.role, member.slot);
    },
    rollWorkers: async () => {
      const exitCodes: (number | string)[] = [];
      for (const member of members.filter((m) => m.role === 'worker')) {
        if (stopping || !members.includes(member)) continue;
        remove(member);
        member.child.kill('SIGTERM');
        exitCodes.push(await exited(member.child));
        if (!stopping) await launch('worker', member.slot);
      }
      return { exitCodes };
    },
    stop: async () => {
      stopping = true;
      const all = [...members];
      members.length = 0;
      for (const m of all) m.child.kill('SIGTERM');
      await Promise.all(all.map((m) => exited(m.child)));
    },
  };
}
