import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { readInstanceFacts } from '../../src/queue/start-queue';
import { startJobId } from '../../src/domain/start-job';
import {
  hookEntries,
  secretOf,
  NORTH,
  SOUTH,
  EAST,
  startHookAccounts,
  type AccountsService,
  type HookAccount,
} from '../support/accounts-service';
import { tempFile } from '../support/files';
import { redisUrl } from '../support/redis';
import { meetingEvent, post, signed } from '../support/webhook';

const event = (name: string, a: HookAccount, uuid: string) =>
  meetingEvent(name, { id: 85012345678, uuid }, a.zoomAccountId);
const deliver = (body: object, a: HookAccount, secret = secretOf(a.name)) =>
  post(service.url, signed(body, { secret }), a.name);
const outcomes = () =>
  service.logs.lines.filter((l) => l.msg === 'webhook handled').map((l) => l.outcome);

let service: AccountsService;
afterEach(() => service.stop());

describe("each account's starts in its own shard (QUEUE_SHARDS=3)", () => {
  beforeEach(async () => {
    service = await startHookAccounts([NORTH, SOUTH], { QUEUE_SHARDS: '3' });
  });

  it('stores a non-default account’s job in the queue of the shard recorded for it, with its account', async () => {
    expect((await deliver(event('meeting.started', SOUTH, 'sh-1'), SOUTH)).status).toBe(204);
    const redis = new Redis(redisUrl());
    const recorded = await redis.hget(`${service.prefix}:accounts:shard`, 'south');
    redis.disconnect();
    expect(recorded).toBe('1');
    const id = startJobId('meeting', 'sh-1', 'south');
    const job = await service.queues.forShard(1).getJob(id);
    expect(job?.data).toMatchObject({ account: 'south', uuid: 'sh-1', source: 'webhook' });
    expect(await service.queues.forShard(0).getJob(id)).toBeUndefined();
    expect(await service.queues.forShard(2).getJob(id)).toBeUndefined();
  });

  it('gives the same meeting number and uuid on two accounts a job each; a redelivery to each is a duplicate', async () => {
    for (const a of [NORTH, SOUTH, NORTH, SOUTH])
      expect((await deliver(event('meeting.started', a, 'same-uuid'), a)).status).toBe(204);
    expect(outcomes()).toEqual(['accepted', 'accepted', 'duplicate', 'duplicate']);
    const north = await service.queues
      .forShard(2)
      .getJob(startJobId('meeting', 'same-uuid', 'north'));
    const south = await service.queues
      .forShard(1)
      .getJob(startJobId('meeting', 'same-uuid', 'south'));
    expect([north?.data.account, south?.data.account]).toEqual(['north', 'south']);
    expect(north?.data.meetingId).toBe(south?.data.meetingId);
  });

  it("records an account's meeting.ended about its own instance only, in its shard", async () => {
    await deliver(event('meeting.started', NORTH, 'end-1'), NORTH);
    await deliver(event('meeting.started', SOUTH, 'end-1'), SOUTH);
    expect((await deliver(event('meeting.ended', NORTH, 'end-1'), NORTH)).status).toBe(204);
    expect(outcomes().at(-1)).toBe('ended');
    const northFacts = await readInstanceFacts(
      service.queues.forShard(2),
      startJobId('meeting', 'end-1', 'north'),
    );
    const southFacts = await readInstanceFacts(
      service.queues.forShard(1),
      startJobId('meeting', 'end-1', 'south'),
    );
    expect(northFacts.ended).toEqual(expect.any(Number));
    expect(southFacts).toEqual({});
    const found = service.logs.lines.find((l) => l.outcome === 'ended');
    expect(found).toMatchObject({ account: 'north', found: true });
  });
});

describe('a reload of the accounts file (SIGHUP)', () => {
  it('serves an added account at its next request, 404s a removed one, and takes a rotated secret', async () => {
    const southSecret = tempFile('south-secret', secretOf('south'));
    const south = { ...SOUTH, secretFile: southSecret };
    service = await startHookAccounts([NORTH, south], {}, [NORTH, south, EAST]);
    expect((await deliver(event('meeting.started', EAST, 'r-1'), EAST)).status).toBe(404);

    service.rewrite(hookEntries([south, EAST]));
    expect((await deliver(event('meeting.started', EAST, 'r-1'), EAST)).status).toBe(204);
    expect((await deliver(event('meeting.started', NORTH, 'r-2'), NORTH)).status).toBe(404);

    // Rotation: the new secret first, the old one kept until Zoom's app uses the new one.
    writeFileSync(southSecret, `rotated-south-secret,${secretOf('south')}`);
    service.rewrite(hookEntries([south, EAST]));
    const started = (uuid: string) => event('meeting.started', SOUTH, uuid);
    expect((await deliver(started('r-3'), SOUTH, 'rotated-south-secret')).status).toBe(204);
    expect((await deliver(started('r-4'), SOUTH)).status).toBe(204);
    writeFileSync(southSecret, 'rotated-south-secret');
    service.rewrite(hookEntries([south, EAST]));
    expect((await deliver(started('r-5'), SOUTH)).status).toBe(401);
    expect(await service.queue.getJob(startJobId('meeting', 'r-1', 'east'))).toBeDefined();
    const reloads = service.logs.lines.filter((l) => l.msg === 'accounts reloaded');
    expect(reloads[0]).toMatchObject({ added: ['east'], removed: ['north'] });
  });
});
