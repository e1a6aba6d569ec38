import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/logging/create-logger';
import { cancelWaiting } from '../../src/operator/actions';
import { enqueueStart } from '../../src/queue/start-queue';
import { createStartQueues, type StartQueues } from '../../src/queue/start-queues';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import { listMeetingPage } from '../../src/status/meeting-page';
import { readOverview } from '../../src/status/overview';
import { listMeetingStatuses, readMeetingStatus } from '../../src/status/read-statuses';
import { redisUrl, uniquePrefix } from '../support/redis';

// QUEUE_SHARDS=2: accounts `a` and `c` land in shard 0, `b` in shard 1. `a` and `c` share a
// meeting number, so only the account tells their starts apart.
const SHARED = '85011111111';
const STARTS: [account: string, meetingId: string, uuid: string][] = [
  ['a', SHARED, 'a-1'],
  ['a', '85011111112', 'a-2'],
  ['a', '85011111113', 'a-3'],
  ['b', '85022222221', 'b-1'],
  ['b', '85022222222', 'b-2'],
  ['c', SHARED, 'c-1'],
];

let prefix: string;
let redis: Redis;
let queues: StartQueues;
let all: Queue<StartJobData>[];
beforeAll(async () => {
  prefix = uniquePrefix();
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  queues = createStartQueues({ connection: redis, prefix, shards: 2, log: createLogger('silent') });
  for (const [i, [account, meetingId, uuid]] of STARTS.entries())
    await enqueueStart(await queues.forAccount(account), {
      kind: 'meeting',
      meetingId,
      uuid,
      receivedAt: 1_000 + i,
      source: 'webhook',
      account,
    });
  all = await queues.all();
});
afterAll(async () => {
  await queues.close();
  redis.disconnect();
});

const accountsOf = (rows: { account: string }[]) => rows.map((r) => r.account);

describe('reading every shard', () => {
  it('lists every shard, newest first, each row with its account', async () => {
    expect(await queues.shardMap.shardOf('b')).toBe(1);
    const page = await listMeetingPage(all, { offset: 0, limit: 50 });
    expect(page.total).toBe(6);
    expect(page.rows.map((r) => [r.account, r.uuid])).toEqual(
      [...STARTS].reverse().map(([account, , uuid]) => [account, uuid]),
    );
  });

  it('filters by a set of accounts, also within one shard', async () => {
    const a = await listMeetingPage(all, { accounts: new Set(['a']), offset: 0, limit: 50 });
    expect(accountsOf(a.rows)).toEqual(['a', 'a', 'a']);
    const ab = await listMeetingPage(all, { accounts: new Set(['a', 'b']), offset: 0, limit: 50 });
    expect(ab.total).toBe(5);
    expect(accountsOf(ab.rows)).not.toContain('c');
    const shared = await listMeetingStatuses(all, SHARED, { accounts: new Set(['c']) });
    expect(shared.map((s) => [s.account, s.uuid])).toEqual([['c', 'c-1']]);
    expect(await listMeetingPage(all, { accounts: new Set(), offset: 0, limit: 50 })).toMatchObject(
      { total: 0, rows: [] },
    );
  });

  it("gives an overview of some accounts only, without the queue's job count", async () => {
    const everyone = await readOverview(all, Date.now(), 600_000);
    expect(everyone).toMatchObject({ byState: { waiting: 6 }, kept: 6 });
    const b = await readOverview(all, Date.now(), 600_000, new Set(['b']));
    expect(b).toMatchObject({ byState: { waiting: 2 }, kept: undefined });
  });

  it("opens one start only in an account it may show, never recording an unknown account's shard", async () => {
    const b1 = startJobId('meeting', 'b-1', 'b');
    expect((await readMeetingStatus(queues, b1, new Set(['b'])))?.status).toMatchObject({
      account: 'b',
      uuid: 'b-1',
    });
    expect(await readMeetingStatus(queues, b1, new Set(['a']))).toBeUndefined();
    const made = startJobId('meeting', 'b-1', 'zzz');
    expect(await readMeetingStatus(queues, made, new Set(['a', 'b']))).toBeUndefined();
    expect(await redis.hget(`${prefix}:accounts:shard`, 'zzz')).toBeNull();
  });

  it("cancels one account's start of a meeting number another account in its shard also has", async () => {
    const cancelled = await cancelWaiting(
      queues,
      SHARED,
      { account: 'c' },
      'alice',
      createLogger('silent'),
    );
    expect(cancelled.map((s) => s.uuid)).toEqual(['c-1']);
    const rows = await listMeetingStatuses(all, SHARED);
    expect(rows.map((s) => [s.account, s.state])).toEqual([
      ['c', 'cancelled'],
      ['a', 'waiting'],
    ]);
  });
});

/** Round trips `read` makes on a connection of its own to the two shards (commands, pipelines). */
async function roundTrips(read: (q: Queue<StartJobData>[]) => Promise<unknown>): Promise<number> {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const own = createStartQueues({ connection, prefix, shards: 2, log: createLogger('silent') });
  const shards = await own.all();
  await read(shards); // BullMQ writes each queue's meta once, on first use
  const alone = jest.spyOn(connection, 'sendCommand');
  const pipelines = jest.spyOn(connection, 'pipeline');
  const multis = jest.spyOn(connection, 'multi');
  await read(shards);
  const sentAlone = alone.mock.calls.filter(
    ([c]) => (c as { pipelineIndex?: number }).pipelineIndex === undefined,
  );
  const trips = sentAlone.length + pipelines.mock.calls.length + multis.mock.calls.length;
  await own.close();
  connection.disconnect();
  return trips;
}

it('reads in three round trips per shard, the shards side by side; a shard without the account costs one', async () => {
  expect(await roundTrips((q) => listMeetingPage(q, { offset: 0, limit: 50 }))).toBe(6);
  expect(await roundTrips((q) => readOverview(q, Date.now(), 600_000))).toBe(6);
  const onlyA = new Set(['a']);
  expect(
    await roundTrips((q) => listMeetingPage(q, { accounts: onlyA, offset: 0, limit: 50 })),
  ).toBe(4);
});
