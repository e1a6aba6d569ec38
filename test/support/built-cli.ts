import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './service';

const run = promisify(execFile);
export const ROOT = join(__dirname, '..', '..');
/** One lock per checkout: two test files never compile into dist/ at the same time. */
const LOCK = join(tmpdir(), `zlw-build-${Buffer.from(ROOT).toString('base64url').slice(-40)}.lock`);

/**
 * What `npm start` does first: compile src/ to dist/ only when src/ changed since the last build.
 * Test files that run the compiled CLI call this; a directory lock keeps two jest workers from
 * compiling at once (a lock left by a killed run is taken over after two minutes).
 */
export async function ensureBuilt(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (statSafe(LOCK) ?? Date.now());
      if (age > 120_000) rmdirSync(LOCK);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], {
      cwd: ROOT,
    });
  } finally {
    rmdirSync(LOCK);
  }
}

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The compiled `start` in a process of its own, once it logged "service started". */
export interface BuiltService {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `node dist/cli.js start` with `env` (its whole environment) until it serves. */
export async function startBuiltService(env: NodeJS.ProcessEnv): Promise<BuiltService> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const url = await eventually(
      () =>
        child.exitCode === null
          ? /"url":"(http:[^"]+)"[^}]*"msg":"service started"/.exec(output)?.[1]
          : Promise.reject(new Error(`the service exited:\n${output}`)),
      30_000,
    );
    return { child, url, output: () => output, stop: () => (child.kill('SIGTERM'), exited) };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
