import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { accountSlotLimit, withAccountSlots } from '../../src/livestream/account-slots';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { eventually } from '../support/service';
import { redisUrl, uniquePrefix } from '../support/redis';

// One account holds at most K of a process's worker slots: a job of an account at its cap is
// handed back to the delayed set at once, and the slot serves another account's job.

interface Data {
  account?: string;
  n: number;
}

function fakeJob(account: string | undefined, n: number) {
  const job = {
    data: { ...(account !== undefined && { account }), n },
    delayedTo: [] as number[],
    moveToDelayed: async (at: number) => void job.delayedTo.push(at),
  };
  return job;
}
const asJob = (j: ReturnType<typeof fakeJob>) => j as unknown as Job<Data>;

function gatedProcessor() {
  const gates = new Map<number, () => void>();
  const started: number[] = [];
  const processor = (job: Job<Data>) =>
    new Promise<number>((resolve) => {
      started.push(job.data.n);
      gates.set(job.data.n, () => resolve(job.data.n));
    });
  const releaseAll = () => gates.forEach((open) => open());
  return { processor, started, release: (n: number) => gates.get(n)!(), releaseAll };
}

it('hands back a job of an account at its cap, after a short jittered delay, while another account is processed', async () => {
  const { processor, started, release } = gatedProcessor();
  const random = [0, 1];
  const slots = withAccountSlots(processor, {
    perAccount: 2,
    now: () => 1000,
    random: () => random.shift() ?? 0.5,
  });
  const a1 = slots(asJob(fakeJob('a', 1)), 't');
  const a2 = slots(asJob(fakeJob('a', 2)), 't');
  const a3 = fakeJob('a', 3);
  await expect(slots(asJob(a3), 't')).rejects.toBeInstanceOf(DelayedError);
  const a4 = fakeJob('a', 4);
  await expect(slots(asJob(a4), 't')).rejects.toBeInstanceOf(DelayedError);
  expect([a3.delayedTo, a4.delayedTo]).toEqual([[1025], [1075]]); // 50 ms ± 50 %
  const b1 = slots(asJob(fakeJob('b', 5)), 't');
  expect(started).toEqual([1, 2, 5]);
  expect(slots.held('a')).toBe(2);
  release(1);
  await a1;
  expect(slots.held('a')).toBe(1);
  const a6 = slots(asJob(fakeJob('a', 6)), 't'); // a slot of its own is free again
  expect(started).toEqual([1, 2, 5, 6]);
  for (const n of [2, 5, 6]) release(n);
  expect(await Promise.all([a2, b1, a6])).toEqual([2, 5, 6]);
  expect(slots.held('a')).toBe(0);
});

it('lets a job back for its reserved pacing slot through even at the cap: sent back, it would miss the slot', async () => {
  const { processor, started, releaseAll } = gatedProcessor();
  const slots = withAccountSlots(processor, { perAccount: 1, now: () => 1000 });
  const first = slots(asJob(fakeJob('a', 1)), 't');
  const reserved = {
    ...fakeJob('a', 2),
    progress: { state: 'waiting', history: [], reservedSlot: { at: 1200, epoch: 0 } },
  };
  const second = slots(asJob(reserved), 't');
  expect(started).toEqual([1, 2]);
  expect(reserved.delayedTo).toEqual([]);
  releaseAll();
  expect(await Promise.all([first, second])).toEqual([1, 2]);
});

it('counts a job without an account (queued by the previous release) as the default account, and frees its slot when it throws', async () => {
  let fail = true;
  const slots = withAccountSlots(
    async (job: Job<Data>) => {
      if (fail) throw new Error('boom');
      return job.data.n;
    },
    { perAccount: 1 },
  );
  await expect(slots(asJob(fakeJob(undefined, 1)), 't')).rejects.toThrow('boom');
  expect(slots.held('default')).toBe(0);
  fail = false;
  expect(await slots(asJob(fakeJob('default', 2)), 't')).toBe(2);
});

it.each([
  [10, 1, undefined, 10],
  [10, 3, undefined, 5],
  [9, 2, undefined, 5],
  [1, 5, undefined, 1],
  [10, 3, 8, 8],
  [10, 1, 40, 10],
])(
  'with concurrency %i and %i account(s), WORKER_SLOTS_PER_ACCOUNT=%s gives %i slots per account',
  (concurrency, accounts, configured, expected) => {
    expect(accountSlotLimit(concurrency, accounts, configured)).toBe(expected);
  },
);

it('in a real BullMQ worker, a second account is served while the first holds its cap, and the handed-back job runs later', async () => {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const prefix = uniquePrefix();
  const queue = new Queue<Data>(LIVESTREAM_QUEUE, { connection, prefix });
  const { processor, started, release, releaseAll } = gatedProcessor();
  const handedBack: number[] = [];
  const worker = new Worker<Data>(
    LIVESTREAM_QUEUE,
    withAccountSlots(processor, {
      perAccount: 1,
      onHandBack: (_account, job) => handedBack.push(job.data.n),
    }),
    { connection: connection.duplicate(), prefix, concurrency: 2 },
  );
  try {
    await queue.add('start', { account: 'a', n: 1 });
    await eventually(async () => (started.includes(1) ? true : undefined), 10_000);
    await queue.add('start', { account: 'a', n: 2 });
    await eventually(async () => (handedBack.includes(2) ? true : undefined), 10_000);
    await queue.add('start', { account: 'b', n: 3 });
    await eventually(async () => (started.includes(3) ? true : undefined), 10_000);
    expect(started).toEqual([1, 3]); // b started while a's first job still held a's one slot
    release(3);
    release(1);
    await eventually(async () => (started.includes(2) ? true : undefined), 10_000);
    release(2);
    await eventually(
      async () => ((await queue.getJobCounts('completed')).completed === 3 ? true : undefined),
      10_000,
    );
    const done = await queue.getJobs(['completed']);
    // Handing back is not an attempt: the handed-back job made one, as the others did.
    expect(done.map((j) => [j.data.n, j.attemptsMade]).sort()).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
  } finally {
    releaseAll();
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  }
});
