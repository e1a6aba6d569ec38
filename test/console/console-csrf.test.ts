import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createConsoleRouter, type ConsoleDeps } from '../../src/console/console-router';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import type { StartJobData } from '../../src/domain/start-job';
import { captureLog } from '../support/log-capture';
import { singleShard } from '../support/single-shard';
import { redisUrl, uniquePrefix } from '../support/redis';

const ADMIN = { username: 'producer', password: 'correct-horse-battery' };
const auth = (user = ADMIN.username, password = ADMIN.password) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let connection: Redis;
let queue: Queue<StartJobData>;
const servers: Server[] = [];

beforeAll(async () => {
  connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix: uniquePrefix() });
  await queue.waitUntilReady();
});
afterAll(async () => {
  for (const s of servers) s.close();
  await queue.close();
  connection.disconnect();
});

/** One console process: its own router (and CSRF state) built from the shared configuration. */
async function consoleProcess(extra: Partial<ConsoleDeps> = {}): Promise<string> {
  const app = express();
  app.use(
    createConsoleRouter({
      queues: singleShard(queue),
      accountNames: () => ['default'],
      ...ADMIN,
      attentionAfterMs: 600_000,
      log: captureLog().log,
      ...extra,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function tokenFrom(url: string, authorization = auth()): Promise<string> {
  const page = await fetch(`${url}/console`, { headers: { authorization } });
  expect(page.status).toBe(200);
  return /name="csrf-token" content="([0-9a-f]+)"/.exec(await page.text())![1]!;
}

/** A start by meeting id, as the page's htmx sends it. */
function trigger(url: string, meetingId: string, headers: Record<string, string>) {
  return fetch(`${url}/console/actions/trigger`, {
    method: 'POST',
    headers: {
      authorization: auth(),
      'content-type': 'application/x-www-form-urlencoded',
      'hx-request': 'true',
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
    body: new URLSearchParams({ meetingId }),
  });
}

const queued = async () =>
  (await queue.getJobs(['waiting', 'delayed', 'active'])).map((j) => j.data.meetingId).sort();

describe('console CSRF across processes', () => {
  it('accepts a token made by another process of the same deployment', async () => {
    const [a, b] = [await consoleProcess(), await consoleProcess()];
    const token = await tokenFrom(a);
    expect(await tokenFrom(b)).toBe(token);
    const answer = await trigger(b, '85010000001', { 'x-csrf-token': token });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('Queued a livestream start for meeting 85010000001');
    expect(await queued()).toContain('85010000001');
  });

  it('refuses, in words, a wrong token and a cross-site request, and queues nothing', async () => {
    const a = await consoleProcess();
    const token = await tokenFrom(a);
    const before = await queued();
    const wrong = await trigger(a, '85010000002', { 'x-csrf-token': 'f'.repeat(64) });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('Reload the page and try again');
    const missing = await trigger(a, '85010000002', {});
    expect(missing.status).toBe(403);
    const crossSite = await trigger(a, '85010000002', {
      'x-csrf-token': token,
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain('did not come from this console');
    const otherOrigin = await trigger(a, '85010000002', {
      'x-csrf-token': token,
      'sec-fetch-site': 'same-origin',
      origin: 'http://elsewhere.example',
    });
    expect(otherOrigin.status).toBe(403);
    expect(await queued()).toEqual(before);
  });

  it('rotates every token when CONSOLE_CSRF_SECRET or the admin password changes', async () => {
    const secret = 'a-long-shared-console-secret-0123456789';
    const [a, b] = [
      await consoleProcess({ csrfSecret: secret }),
      await consoleProcess({ csrfSecret: secret }),
    ];
    const token = await tokenFrom(a);
    expect((await trigger(b, '85010000003', { 'x-csrf-token': token })).status).toBe(200);
    const rotated = await consoleProcess({ csrfSecret: `${secret}-rotated` });
    expect((await trigger(rotated, '85010000004', { 'x-csrf-token': token })).status).toBe(403);
    const derived = await tokenFrom(await consoleProcess());
    const newPassword = 'another-long-password';
    const changed = await consoleProcess({ password: newPassword });
    const refused = await fetch(`${changed}/console/actions/trigger`, {
      method: 'POST',
      headers: {
        authorization: auth(ADMIN.username, newPassword),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ meetingId: '85010000005', _csrf: derived }),
    });
    expect(refused.status).toBe(403);
    expect(await queued()).not.toContain('85010000005');
  });

  it('answers a bad meeting id (400) and an unknown action (404) in words', async () => {
    const a = await consoleProcess();
    const token = await tokenFrom(a);
    const bad = await trigger(a, '85-bad', { 'x-csrf-token': token });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Not sent: a meeting id is digits only.');
    const unknown = await fetch(`${a}/console/actions/restart`, {
      method: 'POST',
      headers: { authorization: auth(), 'hx-request': 'true', 'x-csrf-token': token },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No such action &quot;restart&quot;');
  });

  it('asks for the credentials (401) before anything else', async () => {
    const a = await consoleProcess();
    expect((await fetch(`${a}/console`)).status).toBe(401);
    const answer = await fetch(`${a}/console/actions/trigger`, {
      method: 'POST',
      headers: { authorization: auth(ADMIN.username, 'wrong-password-here') },
    });
    expect(answer.status).toBe(401);
  });
});
