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
import { captureLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';

// Three accounts on two shards ("campus" and "region-eu" land on shard 0, "studio" on shard 1),
// a user of campus and of studio, and the admin. The same meeting number runs in all three.
const ADMIN = { username: 'producer', password: 'correct-horse-battery' };
const CAMPUS = { username: 'campus-ops', password: 'campus-password-1' };
const STUDIO = { username: 'studio-ops', password: 'studio-password-1' };
const SHARED_MEETING = '85010000001';
/** A cheap cost for the test's hashes: the check is the same code whatever the cost. */
const TEST_COST = { N: 1024, r: 8, p: 1 };

const auth = (u: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;

let connection: Redis;
let queues: StartQueues;
let users: ConsoleUser[];
const servers: Server[] = [];
const logs = captureLog();

beforeAll(async () => {
  connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  queues = createStartQueues({ connection, prefix: uniquePrefix(), shards: 2, log: logs.log });
  users = [
    {
      ...user(CAMPUS),
      passwordHash: await hashPassword(CAMPUS.password, TEST_COST),
      accounts: ['campus'],
    },
    {
      ...user(STUDIO),
      passwordHash: await hashPassword(STUDIO.password, TEST_COST),
      accounts: ['studio'],
    },
  ];
  await start('campus', SHARED_MEETING, 'campus-1', 'Campus lecture');
  await start('campus', '85010000002', 'campus-2', 'Campus senate');
  await start('studio', SHARED_MEETING, 'studio-1', 'Studio rehearsal');
  // A third account on campus's shard, with the same meeting number again.
  await start('region-eu', SHARED_MEETING, 'region-1', 'Region town hall');
});
afterAll(async () => {
  for (const s of servers) s.close();
  await queues.close();
  connection.disconnect();
});

const user = (u: { username: string }) => ({ username: u.username });

async function start(account: string, meetingId: string, uuid: string, topic: string) {
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
}

async function consoleServer(extra: Partial<ConsoleDeps> = {}): Promise<string> {
  const app = express();
  app.use(
    createConsoleRouter({
      queue: queues.forShard(0),
      queues,
      ...ADMIN,
      consoleUsers: () => users,
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
}

const page = async (url: string, who: { username: string; password: string }) => {
  const res = await fetch(url, { headers: { authorization: auth(who) } });
  return { status: res.status, text: await res.text() };
};

const tokenIn = (html: string) => /name="csrf-token" content="([0-9a-f]+)"/.exec(html)![1]!;

/** The waiting-count link of the overview: `<b>N</b> waiting`. */
const waitingCount = (html: string) => Number(/<b>(\d+)<\/b> waiting/.exec(html)?.[1]);

async function post(url: string, who: typeof CAMPUS, action: string, form: Record<string, string>) {
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

const studioJob = () => startJobId('meeting', 'studio-1', 'studio');
const cancelledAt = async (account: string, uuid: string) =>
  (await readInstanceFacts(await queues.forAccount(account), startJobId('meeting', uuid, account)))
    .cancelled;

it("a user of campus sees campus's meetings only: list, overview counts, detail", async () => {
  const url = await consoleServer();
  const { status, text } = await page(url, CAMPUS);
  expect(status).toBe(200);
  expect(text).toContain('Campus lecture');
  expect(text).toContain('Campus senate');
  expect(text).not.toContain('Studio rehearsal');
  expect(waitingCount(text)).toBe(2);
  expect(text).toContain('signed in as campus-ops');
  // Asking for the other account's rows shows none of them.
  const other = await page(`${url}/rows?account=studio`, CAMPUS);
  expect(other.text).not.toContain('Studio rehearsal');
  const overview = await page(`${url}/overview?account=studio`, CAMPUS);
  expect(waitingCount(overview.text)).toBe(2);
  // The other account's detail page is answered as if it did not exist.
  const detail = await page(`${url}/meetings/${studioJob()}`, CAMPUS);
  expect(detail.status).toBe(404);
  expect(detail.text).toBe('no such meeting instance');
  expect((await page(`${url}/meetings/${studioJob()}`, ADMIN)).status).toBe(200);
});

it('the admin sees every account, with an account column and filter that the polling keeps', async () => {
  const url = await consoleServer();
  const all = await page(url, ADMIN);
  expect(all.text).toContain('Campus lecture');
  expect(all.text).toContain('Studio rehearsal');
  expect(waitingCount(all.text)).toBe(4);
  expect(all.text).toContain('<th>Account</th>');
  expect(all.text).toMatch(/data-label="Account" class="account">studio</);
  const studio = await page(`${url}?account=studio`, ADMIN);
  expect(studio.text).toContain('Studio rehearsal');
  expect(studio.text).not.toContain('Campus lecture');
  expect(waitingCount(studio.text)).toBe(1);
  // The rows fragment polls its own filter.
  expect(studio.text).toContain('hx-get="/console/rows?account=studio&amp;offset=0"');
  const detail = await page(`${url}/meetings/${studioJob()}`, ADMIN);
  expect(detail.text).toMatch(/Account <strong class="account">studio<\/strong>/);
});

it("a crafted POST on another account's meeting is refused and changes nothing", async () => {
  const url = await consoleServer();
  // campus-ops names studio's account: refused as if there were no such meeting, logged.
  const crafted = await post(url, CAMPUS, 'cancel', {
    account: 'studio',
    meetingId: SHARED_MEETING,
    uuid: 'studio-1',
    kind: 'meeting',
  });
  expect(crafted.status).toBe(404);
  expect(crafted.text).toContain('No such meeting in your accounts: nothing was changed.');
  expect(logs.lines).toContainEqual(
    expect.objectContaining({ msg: "console action refused: not one of the user's accounts" }),
  );
  // Without an account, or with their own and studio's instance: still only campus's starts.
  const ownAccount = await post(url, CAMPUS, 'cancel', {
    account: 'campus',
    meetingId: SHARED_MEETING,
    uuid: 'studio-1',
  });
  expect(ownAccount.status).toBe(409);
  expect(await cancelledAt('studio', 'studio-1')).toBeUndefined();
  const retry = await post(url, CAMPUS, 'retry', { account: 'studio', meetingId: SHARED_MEETING });
  expect(retry.status).toBe(404);
  // Cancelling the shared meeting number in campus leaves studio's instance waiting.
  const cancel = await post(url, CAMPUS, 'cancel', { meetingId: SHARED_MEETING });
  expect(cancel.status).toBe(200);
  expect(await cancelledAt('campus', 'campus-1')).toBeDefined();
  expect(await cancelledAt('studio', 'studio-1')).toBeUndefined();
  expect(await cancelledAt('region-eu', 'region-1')).toBeUndefined();
  expect((await page(`${url}/meetings/${studioJob()}`, ADMIN)).text).toContain(
    '<span class="state state-waiting">waiting</span>',
  );
});

it('a trigger goes to the account the form names, which must be one of the user', async () => {
  const url = await consoleServer();
  const refused = await post(url, STUDIO, 'trigger', {
    account: 'campus',
    meetingId: '85010000009',
  });
  expect(refused.status).toBe(404);
  const admin = await post(url, ADMIN, 'trigger', { meetingId: '85010000009' });
  expect(admin.status).toBe(400);
  expect(admin.text).toContain('choose the account (campus, studio, region-eu)');
  const own = await post(url, STUDIO, 'trigger', { meetingId: '85010000009' });
  expect(own.status).toBe(200);
  const rows = await page(`${url}/rows?q=85010000009`, ADMIN);
  expect(rows.text).toMatch(/data-account="studio"/);
  expect(rows.text).not.toMatch(/data-account="campus"/);
});

it('signs in only with the right password; a changed hash or removed user is asked again at once', async () => {
  const url = await consoleServer();
  expect((await page(url, { ...CAMPUS, password: 'wrong-password-1' })).status).toBe(401);
  expect((await page(url, { username: 'nobody', password: CAMPUS.password })).status).toBe(401);
  expect((await page(url, CAMPUS)).status).toBe(200);
  const before = users;
  users = [{ ...users[0]!, passwordHash: await hashPassword('another-password-1', TEST_COST) }];
  try {
    expect((await page(url, CAMPUS)).status).toBe(401);
    expect((await page(url, STUDIO)).status).toBe(401);
  } finally {
    users = before;
  }
});

it("each user's CSRF token is theirs: another user's is refused", async () => {
  const url = await consoleServer();
  const campusToken = tokenIn((await page(url, CAMPUS)).text);
  const res = await fetch(`${url}/actions/cancel`, {
    method: 'POST',
    headers: { authorization: auth(STUDIO), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: campusToken, meetingId: SHARED_MEETING }),
  });
  expect(res.status).toBe(403);
});

it('works with console users and no admin: the admin credentials are not there to try', async () => {
  const url = await consoleServer({ username: undefined, password: undefined });
  expect((await page(url, ADMIN)).status).toBe(401);
  const campus = await page(url, CAMPUS);
  expect(campus.status).toBe(200);
  // One account: no account column to tell rows apart.
  expect(campus.text).not.toContain('<th>Account</th>');
});

it("a stop reaches Zoom through the meeting's own account", async () => {
  const opened: (string | undefined)[] = [];
  const stopped: string[] = [];
  const url = await consoleServer({
    openZoom: (account) => {
      opened.push(account);
      const zoom = {
        stopLivestream: (_kind: string, meetingId: string) => {
          stopped.push(meetingId);
          return Promise.resolve({ trackingId: 'test' });
        },
      } as unknown as ReturnType<NonNullable<ConsoleDeps['openZoom']>>['zoom'];
      return { zoom, close: () => Promise.resolve() };
    },
  });
  await start('studio', '85010000005', 'studio-5', 'Studio live show');
  const stop = await post(url, STUDIO, 'stop', { meetingId: '85010000005', uuid: 'studio-5' });
  expect(stop.status).toBe(200);
  expect(opened).toEqual(['studio']);
  expect(stopped).toEqual(['85010000005']);
  const refused = await post(url, CAMPUS, 'stop', { account: 'studio', meetingId: '85010000005' });
  expect(refused.status).toBe(404);
  expect(opened).toEqual(['studio']);
});
