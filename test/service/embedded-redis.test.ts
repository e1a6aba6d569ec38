import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadConfig } from '../../src/config/load-config';
import { findRedisServer } from '../../src/redis/embedded-redis';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { spawnService, type ServiceProcess } from '../faults/processes';
import { cli } from '../support/cli';
import { eventually } from '../support/service';
import { meetingEvent, post, SECRET, signed } from '../support/webhook';

let zoom: ZoomSandbox;
let app: ServiceProcess | undefined;
const dirs: string[] = [];
beforeEach(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
});
afterEach(async () => {
  if (app && app.child.exitCode === null && app.child.signalCode === null)
    await app.kill('SIGKILL');
  app = undefined;
  // A service killed outright leaves its Redis running (the next start reuses it): not here.
  for (const pid of dirs.splice(0).flatMap(redisServersOn)) process.kill(pid, 'SIGKILL');
  await zoom.close();
});

/** The pids of every redis-server running on `dir` (Redis works in its data directory). */
function redisServersOn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(/[\0 ]/)[0] ?? '';
      if (command.endsWith('redis-server') && readlinkSync(`/proc/${entry}/cwd`) === dir)
        pids.push(Number(entry));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return pids;
}

const record = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'embedded.json'), 'utf8')) as {
    pid: number;
    port: number;
    ownerPid: number;
  };

/** The service on an embedded Redis of its own under `dir` (no REDIS_URL). */
function embeddedService(dir: string, env: Record<string, string> = {}) {
  dirs.push(dir);
  return spawnService('all', '', 'embedded', zoom, { REDIS_DATA_DIR: dir, ...env });
}

const operatorEnv = (dir: string) => ({
  REDIS_URL: '',
  REDIS_DATA_DIR: dir,
  ROLE: 'receiver',
  ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
});

it('embedded Redis SIGKILLed: logged at once, /readyz says so in words, doctor and status report it without a second Redis, then it is restarted and webhooks get 204 again', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'zlw-embedded-')), 'redis');
  app = await embeddedService(dir, { EMBEDDED_REDIS_RESTART_DELAY_MS: '6000' });
  const first = record(dir);
  expect(first.ownerPid).toBe(app.child.pid);
  expect(redisServersOn(dir)).toEqual([first.pid]);
  const before = signed(meetingEvent('meeting.started', { id: 3001, uuid: 'before-crash' }));
  expect((await post(app.url, before)).status).toBe(204);

  process.kill(first.pid, 'SIGKILL');
  const exitLine = await eventually(() =>
    app!
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"embedded redis exited"')),
  );
  expect(exitLine).toContain('"signal":"SIGKILL"');

  const readyz = await fetch(`${app.url}/readyz`);
  expect(readyz.status).toBe(503);
  expect(await readyz.json()).toEqual({
    status: 'not ready',
    problems: ['embedded Redis exited (code none, signal SIGKILL); restarting (attempt 1 of 5)'],
  });
  const healthz = await fetch(`${app.url}/healthz`);
  expect(healthz.status).toBe(200); // alive, and restarting its Redis by itself
  expect(await healthz.json()).toMatchObject({ embeddedRedis: { status: 'restarting' } });

  const doctor = await cli(['doctor'], operatorEnv(dir));
  expect(doctor.code).toBe(1);
  expect(doctor.out).toContain(
    `[FAIL] Redis reachable\n       the service (pid ${app.child.pid}) owns ${dir}; its embedded Redis (port ${first.port}) is not answering — it may be restarting`,
  );
  expect(doctor.out).not.toMatch(/\[ok\] {3}Redis/);
  const status = await cli(['status'], operatorEnv(dir));
  expect(status.code).toBe(1);
  expect(status.err).toContain(`the service (pid ${app.child.pid}) owns ${dir}`);
  expect(redisServersOn(dir)).toEqual([]); // neither started a Redis of its own
  expect(record(dir).ownerPid).toBe(app.child.pid);

  await eventually(() => app!.output().includes('"msg":"embedded redis restarted"'), 20_000);
  const second = record(dir);
  expect(second).toMatchObject({ port: first.port, ownerPid: app.child.pid });
  expect(redisServersOn(dir)).toEqual([second.pid]);
  const after = signed(meetingEvent('meeting.started', { id: 3002, uuid: 'after-restart' }));
  await eventually(async () => (await post(app!.url, after)).status === 204, 10_000, 100);
  await eventually(() => zoom.started.has('3002'), 20_000);
  await eventually(async () => (await fetch(`${app!.url}/readyz`)).status === 200);

  expect(await app.kill('SIGTERM')).toBe(0);
  expect(redisServersOn(dir)).toEqual([]);
  expect(existsSync(join(dir, 'embedded.json'))).toBe(false);
});

it('a Redis that will not start again: the restarts allowed are used, the reason is logged, and the process exits 69', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'zlw-redis-bin-'));
  // Starts the real redis-server once; every restart exits at once, as a broken install would.
  writeFileSync(
    join(bin, 'redis-server'),
    `#!/bin/sh\nif [ -e "${bin}/started" ]; then echo refused >&2; exit 1; fi\ntouch "${bin}/started"\nexec "${findRedisServer(process.env)}" "$@"\n`,
  );
  chmodSync(join(bin, 'redis-server'), 0o755);
  const dir = join(mkdtempSync(join(tmpdir(), 'zlw-embedded-')), 'redis');
  app = await embeddedService(dir, {
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    EMBEDDED_REDIS_MAX_RESTARTS: '2',
    EMBEDDED_REDIS_RESTART_DELAY_MS: '50',
  });
  process.kill(record(dir).pid, 'SIGKILL');
  expect(await app.exited).toBe(69);
  const out = app.output();
  expect(out.match(/"msg":"embedded redis did not restart"/g)).toHaveLength(2);
  expect(out).toContain('restarts within 60000 ms did not keep it up: giving up');
  expect(out).toContain('"msg":"shutting down: the embedded Redis cannot be kept up"');
  expect(redisServersOn(dir)).toEqual([]);
});

it('ships restarting the embedded Redis after 0.5 s, doubling, at most 5 times a minute', () => {
  expect(loadConfig({ ZOOM_WEBHOOK_SECRET_TOKEN: 'x' }, 'receiver').redis.embeddedRestart).toEqual({
    delayMs: 500,
    maxRestarts: 5,
    windowMs: 60_000,
  });
});
