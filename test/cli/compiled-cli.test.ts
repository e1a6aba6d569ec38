import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyPassword } from '../../src/accounts/password-hash';
import { ensureBuilt, startBuiltService } from '../support/built-cli';
import { redisUrl, uniquePrefix } from '../support/redis';
import { SECRET } from '../support/webhook';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
};

// The compiled package, as an operator runs it. `ensureBuilt` compiles only a stale dist/, under a
// lock shared with the other test files that run it, so no two builds write dist/ at once.
beforeAll(ensureBuilt, 120_000);

// npx resolves the package's bin (dist/cli.js).
it('`npx zoom-livestream-worker --version` prints the package version', async () => {
  const { stdout } = await run('npx', ['--offline', 'zoom-livestream-worker', '--version'], {
    cwd: root,
  });
  expect(stdout.trim()).toBe(version);
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
}, 60_000);

// The console's views are template files beside the compiled code: the build must bring them.
it('the compiled service serves the console page from its template files', async () => {
  const service = await startBuiltService({
    PATH: process.env.PATH,
    ROLE: 'receiver',
    REDIS_URL: redisUrl(),
    QUEUE_PREFIX: uniquePrefix(),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: 'a-long-password-1',
  });
  try {
    const answer = await fetch(`${service.url}/console`, {
      headers: {
        authorization: `Basic ${Buffer.from('admin:a-long-password-1').toString('base64')}`,
      },
    });
    const page = await answer.text();
    expect(answer.status).toBe(200);
    expect(page).toContain('<title>Meetings · Livestream console</title>'); // layout.eta
    expect(page).toContain('Nothing needs a person now.'); // overview.eta
    expect(page).toContain('No meetings match.'); // rows.eta
  } finally {
    await service.stop();
  }
}, 60_000);

// What an operator pipes in to make a console user's password_hash.
it('`hash-password` prints a hash line that verifies the piped password', async () => {
  const made = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'hash-password'], {
    input: 'a piped password\n',
    encoding: 'utf8',
  });
  expect(made.status).toBe(0);
  expect(made.stderr).toContain('password_hash of a console user');
  expect(await verifyPassword('a piped password', made.stdout.trim())).toBe(true);
  expect(await verifyPassword('a piped passwort', made.stdout.trim())).toBe(false);
}, 60_000);
