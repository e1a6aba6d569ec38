import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createConsoleRouter } from '../../src/console/console-router';
import { createDashboardRouter } from '../../src/dashboard/dashboard-router';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import type { StartJobData } from '../../src/domain/start-job';
import { captureLog } from '../support/log-capture';
import { singleShard } from '../support/single-shard';
import { redisUrl, uniquePrefix } from '../support/redis';

const ADMIN = { username: 'admin', password: 'correct-horse-battery' };
const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

let connection: Redis;
let queue: Queue<StartJobData>;
let server: Server;
let url: string;

beforeAll(async () => {
  connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix: uniquePrefix() });
  await queue.waitUntilReady();
  const app = express();
  app.use(createDashboardRouter(queue, ADMIN.username, ADMIN.password));
  app.use(
    createConsoleRouter({
      queues: singleShard(queue),
      accountNames: () => ['default'],
      ...ADMIN,
      attentionAfterMs: 600_000,
      log: captureLog().log,
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await queue.close();
  connection.disconnect();
});

// Every one of these is a prefix, a cut or a near miss of the right credentials.
const refused: [string, string | undefined][] = [
  ['no header', undefined],
  ['an empty Basic value', 'Basic '],
  ['Basic =', 'Basic ='],
  ['an empty user and password', basic(':')],
  ['the user name alone', basic(`${ADMIN.username}:`)],
  ['a short prefix', basic('a')],
  ['a prefix of the password', basic(`${ADMIN.username}:correct-horse`)],
  ['the password with one more character', basic(`${ADMIN.username}:${ADMIN.password}x`)],
  ['a wrong password of the same length', basic(`${ADMIN.username}:correct-horse-batterx`)],
  ['a wrong user', basic(`root:${ADMIN.password}`)],
  ['another scheme', `Bearer ${ADMIN.password}`],
];

describe.each(['/console', '/admin/queues'])('basic auth on %s', (path) => {
  it.each(refused)('refuses %s with 401 and a challenge', async (_name, authorization) => {
    const res = await fetch(`${url}${path}`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Basic realm=');
    expect(await res.text()).not.toContain(ADMIN.password);
  });

  it('lets the right credentials in', async () => {
    const res = await fetch(`${url}${path}`, {
      headers: { authorization: basic(`${ADMIN.username}:${ADMIN.password}`) },
      redirect: 'manual',
    });
    expect(res.status).toBeLessThan(400);
  });
});
