import type { RedisConnection } from '../../src/redis/connect';
import { ReplicationError } from '../../src/redis/replication';
import { replicatedJobs, type StartJobs } from '../../src/queue/replicated-enqueue';
import type { StartJobData } from '../../src/domain/start-job';

const data: StartJobData = {
  kind: 'meeting',
  meetingId: '85012345678',
  uuid: 'u-1',
  receivedAt: 1,
  source: 'webhook',
};

/** A queue and a connection that note, in order, each write and each `WAIT` with its answer. */
function fakes(acknowledged: number) {
  const steps: string[] = [];
  const store: StartJobs = {
    enqueueStart: async (d) => {
      steps.push(`enqueue ${d.uuid}`);
      return { jobId: `meeting-${d.uuid}`, duplicate: false };
    },
    recordFact: async (_kind, uuid, fact) => {
      steps.push(`record ${fact} ${uuid}`);
      return { jobId: `meeting-${uuid}`, found: true };
    },
  };
  const connection = {
    call: async (command: string, replicas: number, timeoutMs: number) => {
      steps.push(`${command} ${replicas}`);
      expect(timeoutMs).toBeGreaterThan(0);
      expect(timeoutMs).toBeLessThanOrEqual(500);
      return acknowledged;
    },
  } as unknown as RedisConnection;
  return { steps, store, connection };
}

describe('the replicated enqueue (REDIS_MIN_REPLICAS_ACK)', () => {
  it('stores the start, then waits for the replicas, and answers what the queue said', async () => {
    const { steps, store, connection } = fakes(2);
    const jobs = replicatedJobs(store, { connection, key: 'k', replicas: 2, budgetMs: 500 });
    await expect(jobs.enqueueStart(data)).resolves.toEqual({
      jobId: 'meeting-u-1',
      duplicate: false,
    });
    await expect(jobs.recordFact('meeting', 'u-1', 'ended', 5)).resolves.toEqual({
      jobId: 'meeting-u-1',
      found: true,
    });
    expect(steps).toEqual(['enqueue u-1', 'WAIT 2', 'record ended u-1', 'WAIT 2']);
  });

  it('fails the start and the fact when fewer replicas than asked hold them in time', async () => {
    const { steps, store, connection } = fakes(1);
    const jobs = replicatedJobs(store, { connection, key: 'k', replicas: 2, budgetMs: 500 });
    const start = await jobs.enqueueStart(data).catch((e: unknown) => e);
    expect(start).toBeInstanceOf(ReplicationError);
    expect((start as Error).message).toBe('write reached 1 of 2 replicas in time');
    await expect(jobs.recordFact('meeting', 'u-1', 'ended', 5)).rejects.toBeInstanceOf(
      ReplicationError,
    );
    expect(steps).toEqual(['enqueue u-1', 'WAIT 2', 'record ended u-1', 'WAIT 2']);
  });

  it('sends no WAIT when no replica is asked for', async () => {
    const { steps, store, connection } = fakes(0);
    const jobs = replicatedJobs(store, { connection, key: 'k', replicas: 0, budgetMs: 500 });
    await jobs.enqueueStart(data);
    await jobs.recordFact('meeting', 'u-1', 'live', 5);
    expect(steps).toEqual(['enqueue u-1', 'record live u-1']);
  });

  it('does not wait for replicas when the write itself failed', async () => {
    const { steps, store, connection } = fakes(2);
    const failing: StartJobs = {
      ...store,
      enqueueStart: () => Promise.reject(new Error('Connection is closed.')),
    };
    const jobs = replicatedJobs(failing, { connection, key: 'k', replicas: 2, budgetMs: 500 });
    await expect(jobs.enqueueStart(data)).rejects.toThrow('Connection is closed.');
    expect(steps).toEqual([]);
  });
});
