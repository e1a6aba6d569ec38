import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisConnection } from '../../src/redis/connect';
import { ReplicationError, replicatedWrite } from '../../src/redis/replication';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { createReplicatedJobs } from '../../src/queue/replicated-enqueue';
import { createWebhookRouter } from '../../src/webhook/webhook-router';
import { captureLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';
import { accountsOf, testAccount } from '../support/accounts';
import { meetingEvent, post, signed } from '../support/webhook';
import { startJobId, type StartJobData } from '../../src/domain/start-job';

/** A connection whose `WAIT` answers that `acknowledged` replicas hold the writes, at once. */
function replicasAnswering(acknowledged: number) {
  const sent: unknown[][] = [];
  const connection = {
    call: async (...args: unknown[]) => {
      sent.push(args);
      return acknowledged;
    },
  } as unknown as RedisConnection;
  return { connection, sent };
}

describe('replicatedWrite', () => {
  it('fails the write when WAIT reports fewer replicas than asked', async () => {
    const { connection, sent } = replicasAnswering(1);
    const write = jest.fn(async () => 'stored');
    const opts = { connection, key: 'k', replicas: 2, budgetMs: 500 };
    const error = await replicatedWrite(write, opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplicationError);
    expect(error).toMatchObject({ acknowledged: 1, wanted: 2, code: 'NOT_REPLICATED' });
    expect((error as Error).message).toBe('write reached 1 of 2 replicas in time');
    expect(write).toHaveBeenCalledTimes(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]![0]).toBe('WAIT');
    expect(sent[0]![1]).toBe(2);
    expect(sent[0]![2]).toBeGreaterThan(0);
    expect(sent[0]![2]).toBeLessThanOrEqual(500);
  });

  it('returns the write once enough replicas hold it, and sends no WAIT when none are asked', async () => {
    const enough = replicasAnswering(2);
    const opts = { key: 'k', replicas: 2, budgetMs: 500 };
    await expect(
      replicatedWrite(async () => 'stored', { ...opts, connection: enough.connection }),
    ).resolves.toBe('stored');
    const none = replicasAnswering(0);
    await expect(
      replicatedWrite(async () => 'stored', { ...opts, replicas: 0, connection: none.connection }),
    ).resolves.toBe('stored');
    expect(none.sent).toEqual([]);
  });
});

describe('the webhook with REDIS_MIN_REPLICAS_ACK', () => {
  let connection: Redis;
  let queue: Queue<StartJobData>;
  let server: Server | undefined;
  beforeAll(async () => {
    connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix: uniquePrefix() });
    await queue.waitUntilReady();
  });
  afterEach(async () => {
    if (server) await new Promise((r) => server!.close(r));
    server = undefined;
  });
  afterAll(async () => {
    await queue.close();
    connection.disconnect();
  });

  /** The receiver as the service wires it, on a deployment where WAIT answers `acknowledged`. */
  async function receiver(acknowledged: number) {
    const logs = captureLog();
    const { connection: waitOn } = replicasAnswering(acknowledged);
    const app = express();
    app.use(
      createWebhookRouter({
        accounts: accountsOf(testAccount()),
        toleranceSeconds: 300,
        bodyLimitBytes: 65_536,
        storeTimeoutMs: 500,
        jobs: createReplicatedJobs(queue, { connection: waitOn, replicas: 1, budgetMs: 500 }),
        log: logs.log,
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logs };
  }

  it('answers 503 and says why when no replica holds the start; a redelivery answered 204 once one does', async () => {
    const delivery = signed(meetingEvent('meeting.started', { uuid: 'replica-short' }));
    const short = await receiver(0);
    const res = await post(short.url, delivery);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'unavailable' });
    const line = short.logs.lines.find((l) => l.status === 503);
    expect(line).toMatchObject({ err: { message: 'write reached 0 of 1 replicas in time' } });
    await new Promise((r) => server!.close(r));

    // Zoom redelivers; now a replica acknowledges and the (duplicate) start is confirmed.
    const enough = await receiver(1);
    expect((await post(enough.url, delivery)).status).toBe(204);
    expect(await queue.getJob(startJobId('meeting', 'replica-short'))).toBeDefined();
  });
});
