import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/service';

it('stops on SIGTERM with exit code 0, taking its embedded Redis down with it', async () => {
  const root = join(__dirname, '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'zlw-shutdown-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'cli.ts'), 'start', '--role', 'receiver'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        ZOOM_WEBHOOK_SECRET_TOKEN: 's',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        REDIS_DATA_DIR: join(dir, 'redis'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  await eventually(() => output.includes('"service started"'), 20_000).catch(() => {
    throw new Error(`the service did not start:\n${output}`);
  });
  expect(existsSync(join(dir, 'redis', 'embedded.json'))).toBe(true);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(output).toContain('"msg":"shutting down"');
  expect(output).toContain('"msg":"stopped"');
  expect(existsSync(join(dir, 'redis', 'embedded.json'))).toBe(false);
  expect(existsSync(join(dir, 'redis', 'appendonlydir'))).toBe(true);
});

it('a process that exits without a graceful stop (a second signal) still shuts its embedded Redis down', async () => {
  const root = join(__dirname, '..', '..');
  const dir = join(mkdtempSync(join(tmpdir(), 'zlw-exit-hook-')), 'redis');
  const script = `import('./src/redis/embedded-redis.ts').then(async ({ startEmbeddedRedis }) => {
    const redis = await startEmbeddedRedis({ dataDir: ${JSON.stringify(dir)}, env: process.env });
    process.stdout.write(String(redis.pid));
    process.exit(143);
  });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  expect(await new Promise((r) => child.once('exit', r))).toBe(143);
  const pid = Number(out);
  expect(pid).toBeGreaterThan(0);
  await eventually(() => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true; // gone
    }
  });
  expect(existsSync(join(dir, 'embedded.json'))).toBe(false);
});
