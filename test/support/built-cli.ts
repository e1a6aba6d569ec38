import { execFile } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
