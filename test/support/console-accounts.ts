import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import type { ConsoleUser } from '../../src/accounts/account-types';
import { hashPassword } from '../../src/accounts/password-hash';
import { createConsoleRouter, type ConsoleDeps } from '../../src/console/console-router';
import { createStartQueues, type StartQueues } from '../../src/queue/start-queues';
import { enqueueStart, readInstanceFacts } from '../../src/queue/start-queue';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import { captureLog } from './log-capture';
import { redisUrl, uniquePrefix } from './redis';

// Three accounts on two shards ("campus" and "region-eu" land on shard 0, "studio" on shard 1),
// a user of campus and of studio, and the admin. The same meeting number runs in all three.
export const ADMIN = { username: 'producer', password: 'correct-horse-battery' };
export const CAMPUS = { username: 'campus-ops', password: 'campus-password-1' };
export const STUDIO = { username: 'studio-ops', password: 'studio-password-1' };
export const SHARED_MEETING = '85010000001';
/** A cheap cost for the test's hashes: the check is the same code whatever the cost. */
export const TEST_COST = { N: 1024, r: 8, p: 1 };

type Who = { username: string; password: string };

export const auth = (u: Who) =>
  `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;

export const tokenIn = (html: string) => /name="csrf-token" content="([0-9a-f]+)"/.exec(html)![1]!;

/** The waiting-count link of the overview: `<b>N</b> waiting`. */
export const waitingCount = (html: string) => Number(/<b>(\d+)<\/b> waiting/.exec(html)?.[1]);

export const page = async (url: string, who: Who) => {
  const res = await fetch(url, { headers: { authorization: auth(who) } });
  return { status: res.status, text: await res.text() };
};

/** An action as the page's htmx sends it, with `who`'s own CSRF token. */
export async function post(url: string, who: Who, action: string, form: Record<string, string>) {
  const token = tokenIn((await page(url, who)).text);
  const res = await fetch(`${url}/actions/${action}`, {
    method: 'POST',
    headers: {
      authorization: auth(who),
      'hx-request': 'true',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: token, ...form }),
  });
  return { status: res.status, text: await res.text() };
}

/**
 * The accounts' starts in a Redis of two shards, and console servers over them (closed after
 * the file's tests); `users` may be replaced to play a reload of the accounts file.
 */
export function consoleAccounts() {
  let connection: Redis;
  let queues: StartQueues;
  const servers: Server[] = [];
  const logs = captureLog();
  const world = {
    logs,
    users: [] as ConsoleUser[],
    start: async (account: string, meetingId: string, uuid: string, topic: string) => {
      const queue = await queues.forAccount(account);
      await enqueueStart(queue, {
        kind: 'meeting',
        meetingId,
        uuid,
        topic,
        receivedAt: Date.now(),
        source: 'webhook',
        account,
      } satisfies StartJobData);
    },
    consoleServer: async (extra: Partial<ConsoleDeps> = {}): Promise<string> => {
      const app = express();
      app.use(
        createConsoleRouter({
          queues,
          ...ADMIN,
          consoleUsers: () => world.users,
          accountNames: () => ['campus', 'studio', 'region-eu'],
          attentionAfterMs: 600_000,
          log: logs.log,
          ...extra,
        }),
      );
      const server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/console`;
    },
    /** When the instance `uuid` of `account` was cancelled, if it was. */
    cancelledAt: async (account: string, uuid: string) => {
      const queue = await queues.forAccount(account);
      return (await readInstanceFacts(queue, startJobId('meeting', uuid, account))).cancelled;
    },
  };
  beforeAll(async () => {
    connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    queues = createStartQueues({ connection, prefix: uniquePrefix(), shards: 2, log: logs.log });
    world.users = [
      {
        username: CAMPUS.username,
        passwordHash: await hashPassword(CAMPUS.password, TEST_COST),
        accounts: ['campus'],
      },
      {
        username: STUDIO.username,
        passwordHash: await hashPassword(STUDIO.password, TEST_COST),
        accounts: ['studio'],
      },
    ];
    await world.start('campus', SHARED_MEETING, 'campus-1', 'Campus lecture');
    await world.start('campus', '85010000002', 'campus-2', 'Campus senate');
    await world.start('studio', SHARED_MEETING, 'studio-1', 'Studio rehearsal');
    // A third account on campus's shard, with the same meeting number again.
    await world.start('region-eu', SHARED_MEETING, 'region-1', 'Region town hall');
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await queues.close();
    connection.disconnect();
  });
  return world;
}
