import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
};

// The installed command, as an operator runs it: npx resolves the package's bin (dist/cli.js).
it('`npx zoom-livestream-worker --version` prints the package version', async () => {
  // What `npm start` does first: compile only if src/ changed since the last build.
  await run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { cwd: root });
  const { stdout } = await run('npx', ['--offline', 'zoom-livestream-worker', '--version'], {
    cwd: root,
  });
  expect(stdout.trim()).toBe(version);
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
}, 120_000);
