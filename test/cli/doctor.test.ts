import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { freePort } from '../../src/redis/redis-process';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { cli } from '../support/cli';
import { tempFile } from '../support/files';
import { redisUrl, startPrivateRedis, uniquePrefix } from '../support/redis';
import { SECRET } from '../support/webhook';

// Known secret values: none of them may appear in anything doctor prints.
const CLIENT_SECRET = 'doctor-known-client-secret-5f2e';
const WRONG_SECRET = 'doctor-known-wrong-secret-91ab';
const ALERT_PATH = '/services/T000/B000/doctor-known-alert-path-77c1';
const REDIS_PASSWORD = 'doctor-known-redis-password-3d9';

let zoom: ZoomSandbox;
let alerts: Server;
let alertRequests: { method: string; body: string }[];
beforeEach(async () => {
  zoom = await startZoomSandbox({ clientSecret: CLIENT_SECRET });
  alertRequests = [];
  alerts = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      alertRequests.push({ method: req.method ?? '', body });
      res.writeHead(405).end();
    });
  });
  await new Promise<void>((done) => alerts.listen(0, '127.0.0.1', done));
});
afterEach(async () => {
  await zoom.close();
  await new Promise((done) => alerts.close(done));
});

function deployment(overrides: Record<string, string> = {}): Record<string, string> {
  const { port } = alerts.address() as AddressInfo;
  const redis = new URL(redisUrl());
  redis.password = REDIS_PASSWORD; // the test Redis has none: Redis ignores it, doctor must hide it
  return {
    REDIS_URL: redis.toString(),
    QUEUE_PREFIX: uniquePrefix(),
    ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
    ZOOM_ACCOUNT_ID: zoom.credentials.accountId,
    ZOOM_CLIENT_ID: zoom.credentials.clientId,
    ZOOM_CLIENT_SECRET: CLIENT_SECRET,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}${ALERT_PATH}`,
    LIVESTREAM_RULES_FILE: tempFile(
      'rules.yaml',
      'rules:\n  - { name: rehearsals, action: skip, match: { topic: "/rehearsal/i" } }\n  - { name: everything-else, action: stream }\n',
    ),
    ...overrides,
  };
}

function expectNoSecret(text: string): void {
  for (const secret of [CLIENT_SECRET, WRONG_SECRET, ALERT_PATH, REDIS_PASSWORD, SECRET])
    expect(text).not.toContain(secret);
}

it('passes a correct deployment: every check green, exit 0, and no alert sent', async () => {
  const run = await cli(['doctor'], deployment());
  expect(run.out).toContain('all checks passed');
  expect(run.code).toBe(0);
  for (const title of [
    'Configuration valid',
    'Webhook secret token set',
    'Redis reachable',
    'Redis accepts writes',
    'Redis never evicts keys',
    'Redis version',
    'Zoom accepts the OAuth credentials',
    'Zoom scopes for meeting live streams',
    'Livestream rules valid',
    'Alert endpoint reachable',
  ])
    expect(run.out).toMatch(new RegExp(`^\\[ok\\] {3}${title}`, 'm'));
  expect(run.out).toContain('rehearsals: skips topic /rehearsal/i');
  expect(run.out).toContain('everything-else: streams every meeting');
  expect(alertRequests).toEqual([{ method: 'HEAD', body: '' }]);
  expectNoSecret(run.out + run.err);
});

it('catches a wrong client secret: exit 1, with the fix, and never prints a secret', async () => {
  const run = await cli(['doctor'], deployment({ ZOOM_CLIENT_SECRET: WRONG_SECRET }));
  expect(run.code).toBe(1);
  expect(run.out).toMatch(/^\[FAIL\] Zoom accepts the OAuth credentials\n.*40[01]/m);
  expect(run.out).toMatch(/fix: copy Account ID, Client ID and Client Secret/);
  expectNoSecret(run.out + run.err);
});

it('catches missing scopes where Zoom lists them', async () => {
  zoom.scriptOAuth({
    status: 200,
    body: { access_token: 'tok', token_type: 'bearer', expires_in: 3600, scope: 'user:read:admin' },
  });
  const run = await cli(['doctor'], deployment());
  expect(run.code).toBe(1);
  expect(run.out).toMatch(/^\[FAIL\] Zoom scopes for meeting live streams/m);
  expect(run.out).toContain('meeting:update:livestream_status:admin');
});

it('catches an evicting Redis: exit 1, naming noeviction', async () => {
  const redis = await startPrivateRedis();
  const admin = new Redis(redis.url);
  try {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const run = await cli(['doctor'], deployment({ REDIS_URL: redis.url }));
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^\[FAIL\] Redis never evicts keys\n.*allkeys-lru/m);
    expect(run.out).toMatch(/fix: set maxmemory-policy noeviction/);
  } finally {
    admin.disconnect();
    await redis.stop();
  }
});

it('lists every configuration problem, and still checks Redis when its variables are right', async () => {
  const missing = await cli(
    ['doctor'],
    deployment({ ZOOM_CLIENT_ID: '', ZOOM_WEBHOOK_SECRET_TOKEN: '' }),
  );
  expect(missing.code).toBe(1);
  expect(missing.out).toMatch(
    /^\[FAIL\] Configuration valid\n.*ZOOM_WEBHOOK_SECRET_TOKEN: .*\n.*ZOOM_CLIENT_ID: /m,
  );
  expect(missing.out).toMatch(/^\[ok\] {3}Redis accepts writes/m);
  const malformed = await cli(['doctor'], deployment({ PORT: 'eighty' }));
  expect(malformed.code).toBe(1);
  expect(malformed.out).toMatch(/PORT: must be a whole number/);
  expect(malformed.out).toContain('Other checks skipped until the configuration is valid');
  expectNoSecret(missing.out + missing.err + malformed.out + malformed.err);
});

describe('the embedded Redis (no REDIS_URL)', () => {
  const embedded = (dir: string) =>
    deployment({ REDIS_URL: '', REDIS_DATA_DIR: dir, ROLE: 'receiver' });
  const exitedPid = async () => {
    const child = spawn('true');
    await new Promise((r) => child.once('exit', r));
    return child.pid!;
  };

  it('owned by a live process whose Redis does not answer: fails with the owner, and starts no Redis of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zlw-doctor-owned-'));
    const owner = spawn('sleep', ['60']);
    try {
      const record = { pid: await exitedPid(), port: await freePort(), ownerPid: owner.pid };
      writeFileSync(join(dir, 'embedded.json'), JSON.stringify(record));
      const run = await cli(['doctor'], embedded(dir));
      expect(run.code).toBe(1);
      expect(run.out).toContain(
        `[FAIL] Redis reachable\n       the service (pid ${owner.pid}) owns ${dir}; its embedded Redis (port ${record.port}) is not answering — it may be restarting\n       fix: wait a few seconds and run doctor again`,
      );
      expect(JSON.parse(readFileSync(join(dir, 'embedded.json'), 'utf8'))).toEqual(record);
      expect(existsSync(join(dir, 'appendonlydir'))).toBe(false); // no redis-server ran here
    } finally {
      owner.kill();
    }
  });

  it('left by a process that is gone: starts one just for the check, and leaves nothing running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zlw-doctor-stale-'));
    const stale = { pid: await exitedPid(), port: await freePort(), ownerPid: await exitedPid() };
    writeFileSync(join(dir, 'embedded.json'), JSON.stringify(stale));
    const run = await cli(['doctor'], embedded(dir));
    expect(run.out).toMatch(/^\[ok\] {3}Redis reachable\n {7}embedded Redis/m);
    expect(run.out).toMatch(/^\[ok\] {3}Redis accepts writes/m);
    expect(existsSync(join(dir, 'embedded.json'))).toBe(false);
  });
});
