import { encryptPlainToken } from '../../src/webhook/signature';
import { readInstanceFacts } from '../../src/queue/start-queue';
import { startJobId } from '../../src/domain/start-job';
import {
  secretOf,
  NORTH,
  SOUTH,
  startHookAccounts,
  type AccountsService,
  type HookAccount,
} from '../support/accounts-service';
import { openConnection } from '../support/raw-socket';
import { startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

// QUEUE_SHARDS=3: south's starts go to shard 1, north's to shard 2 (FNV-1a of the name).
const SHARD = { south: 1, north: 2 } as const;

const started = (a: HookAccount, object: { id?: number; uuid?: string } = {}) =>
  meetingEvent('meeting.started', object, a.zoomAccountId);
/** Signed with `by`'s secret, posted to `to`'s path. */
const deliver = (body: object, by: HookAccount, to: string = by.name) =>
  post(service.url, signed(body, { secret: secretOf(by.name) }), to);
const handled = () => service.logs.lines.filter((l) => l.msg === 'webhook handled');
const metrics = async () => (await fetch(`${service.url}/metrics`)).text();

let service: AccountsService;
beforeEach(async () => {
  service = await startHookAccounts([NORTH, SOUTH], { QUEUE_SHARDS: '3' });
});
afterEach(() => service.stop());

async function everyJob() {
  const shards = [0, 1, 2].map((n) => service.queues.forShard(n));
  const all = await Promise.all(shards.map((q) => q.getJobs(['waiting', 'delayed'])));
  return all.flat();
}

describe('POST /webhooks/zoom/{name}: each account verified with its own secret', () => {
  it("queues each account's start from its own path; another account's signature is 401", async () => {
    expect((await deliver(started(NORTH, { uuid: 'n-1' }), NORTH)).status).toBe(204);
    expect((await deliver(started(SOUTH, { uuid: 's-1' }), SOUTH)).status).toBe(204);
    const forged = await deliver(started(SOUTH, { uuid: 'forged' }), NORTH, 'south');
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({
      error: 'bad_signature',
      message: 'signature not accepted',
    });
    const jobs = await everyJob();
    expect(jobs.map((j) => [j.id, j.data.account]).sort()).toEqual([
      [startJobId('meeting', 'n-1', 'north'), 'north'],
      [startJobId('meeting', 's-1', 'south'), 'south'],
    ]);
    expect(handled().map((l) => [l.account, l.outcome])).toEqual([
      ['north', 'accepted'],
      ['south', 'accepted'],
      ['south', 'bad_signature'],
    ]);
  });

  it("answers url_validation with the path's account's secret", async () => {
    const body = { event: 'endpoint.url_validation', payload: { plainToken: 'tok-1' } };
    const res = await deliver(body, SOUTH);
    expect(res.status).toBe(200);
    const encryptedToken = encryptPlainToken(secretOf('south'), 'tok-1');
    expect(await res.json()).toEqual({ plainToken: 'tok-1', encryptedToken });
    expect((await deliver(body, SOUTH, 'north')).status).toBe(401);
  });
});

describe("a signed event of another Zoom account than the path's", () => {
  it('is refused with 403: nothing queued, no fact recorded, logged with the id cut short and printable', async () => {
    const claimed = `south-zoom-id\u001b[2J\n${'x'.repeat(100)}`;
    const start = meetingEvent('meeting.started', { uuid: 'cross-1' }, claimed);
    const res = await deliver(start, NORTH);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: 'foreign_account',
      message: 'event of another Zoom account than this path’s',
    });
    const ended = meetingEvent('meeting.ended', { uuid: 'cross-1' }, SOUTH.zoomAccountId);
    expect((await deliver(ended, NORTH)).status).toBe(403);

    expect(await everyJob()).toEqual([]);
    const northQueue = service.queues.forShard(SHARD.north);
    const facts = await readInstanceFacts(northQueue, startJobId('meeting', 'cross-1', 'north'));
    expect(facts).toEqual({});
    const [first, second] = handled();
    expect(first).toMatchObject({
      level: 40,
      event: 'meeting.started',
      account: 'north',
      outcome: 'foreign_account',
      status: 403,
      foreignAccountId: `south-zoom-id ${'x'.repeat(26)}`,
    });
    expect(second).toMatchObject({ event: 'meeting.ended', outcome: 'foreign_account' });
  });
});

describe('a path that names no account in force', () => {
  it('is 404 on the head, the declared 20 MB body never read, and closed at once', async () => {
    // Timeouts far beyond the test's: only a close on the answer ends the connection in time.
    await service.stop();
    service = await startHookAccounts([NORTH, SOUTH], {
      HTTP_REQUEST_TIMEOUT_MS: '300000',
      HTTP_IDLE_TIMEOUT_MS: '600000',
    });
    const c = await openConnection(service.url);
    const head =
      'POST /webhooks/zoom/east HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
      'Content-Length: 20000000\r\n\r\n';
    c.socket.write(head); // no body byte follows: only an answer on the head can come
    const { received } = await c.closed;
    expect(received).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(received).toContain('Connection: close');
    expect(received).toContain('{"error":"not_found","message":"no such endpoint"}');
    expect(handled()).toEqual([
      expect.objectContaining({ outcome: 'unknown_account', status: 404, pathAccount: 'east' }),
    ]);
  });

  it.each([
    ['the default path, when the file has no default account', '/webhooks/zoom', 'default'],
    ['upper case', '/webhooks/zoom/NORTH', 'NORTH'],
    ['escaped', '/webhooks/zoom/nor%0Ath', 'nor%0Ath'],
    ['33 characters', `/webhooks/zoom/${'n'.repeat(33)}`, 'n'.repeat(33)],
    ['a further segment', '/webhooks/zoom/north/x', 'north/x'],
  ])('is 404 for %s, counted under no account', async (_case, path, said) => {
    const delivery = signed(started(NORTH), { secret: secretOf('north') });
    const res = await fetch(`${service.url}${path}`, { method: 'POST', ...delivery });
    expect(res.status).toBe(404);
    expect(await everyJob()).toEqual([]);
    expect(handled()[0]).toMatchObject({ outcome: 'unknown_account', pathAccount: said });
    const text = await metrics();
    expect(text).toContain(
      'zlw_webhooks_total{event="unknown",outcome="unknown_account",account=""} 1',
    );
    if (said !== 'default') expect(text).not.toContain(said);
  });

  it('counts each account under its own name and nothing from the path', async () => {
    await deliver(started(NORTH), NORTH);
    await deliver(started(SOUTH), SOUTH);
    await deliver(started(SOUTH), SOUTH); // a redelivery
    await deliver(started(NORTH), NORTH, 'zzz-made-up');
    const series = (await metrics()).split('\n').filter((l) => l.startsWith('zlw_webhooks_total'));
    expect(series.sort()).toEqual([
      'zlw_webhooks_total{event="meeting.started",outcome="accepted",account="north"} 1',
      'zlw_webhooks_total{event="meeting.started",outcome="accepted",account="south"} 1',
      'zlw_webhooks_total{event="meeting.started",outcome="duplicate",account="south"} 1',
      'zlw_webhooks_total{event="unknown",outcome="unknown_account",account=""} 1',
    ]);
  });
});

describe('the default account of the ZOOM_* variables (no accounts file)', () => {
  let single: TestService;
  beforeEach(async () => {
    single = await startTestService({ ZOOM_ACCOUNT_ID: 'own-zoom-id' });
  });
  afterEach(() => single.stop());

  it('serves /webhooks/zoom and /webhooks/zoom/default; another account_id is 403, a missing one is its own', async () => {
    const send = (accountId: string | undefined, uuid: string, path = '/webhooks/zoom') => {
      const event = meetingEvent('meeting.started', { uuid }, accountId) as {
        payload: Record<string, unknown>;
      };
      if (accountId === undefined) delete event.payload.account_id;
      return fetch(`${single.url}${path}`, { method: 'POST', ...signed(event) });
    };
    expect((await send('own-zoom-id', 'd-1')).status).toBe(204);
    expect((await send('own-zoom-id', 'd-2', '/webhooks/zoom/default')).status).toBe(204);
    expect((await send('other-zoom-id', 'd-3')).status).toBe(403);
    expect((await send(undefined, 'd-4')).status).toBe(204);
    const jobs = await single.queue.getJobs(['waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual(
      ['d-1', 'd-2', 'd-4'].map((u) => startJobId('meeting', u)).sort(),
    );
    // The job shape of the release before accounts: no `account` field for the default account.
    expect(jobs.every((j) => !('account' in j.data))).toBe(true);
  });
});
