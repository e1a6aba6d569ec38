import { Redis } from 'ioredis';
import { benchQueue, type BenchContext } from './fixtures';
import { accountsSandbox, accountWorker, addAll, startsFor } from './fairness-lib';
import { rssMb, sleep } from './lib';
import { record, recordValue } from './report';

/** RSS of a worker for 100 accounts with 100 meetings each waiting on a 429; Redis per account. */
export async function manyAccountsFootprint(ctx: BenchContext): Promise<void> {
  const sandbox = await accountsSandbox(1_000_000);
  ctx.cleanups.push(() => sandbox.stop());
  const prefix = 'bench9m';
  const c = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const q = benchQueue(c, prefix);
  const worker = await accountWorker({
    redisUrl: ctx.redisUrl,
    prefix,
    zoom: sandbox.zoom,
    accounts: 100,
    rate: 1000,
    env: { LIVESTREAM_RETRY_DELAY_MS: '1800000' },
  });
  await sleep(2000);
  const idle = rssMb(worker.child.pid!);
  for (let a = 0; a < 100; a++) await addAll(q, startsFor(`a${a}`, 100, a * 100, prefix));
  const until = Date.now() + 120_000;
  while (((await q.getJobCounts('delayed')).delayed ?? 0) < 10_000 && Date.now() < until)
    await sleep(250);
  await sleep(2000);
  const busy = rssMb(worker.child.pid!);
  const waiting = (await q.getJobCounts('delayed')).delayed ?? 0;
  record({
    name: `worker RSS, 100 accounts x 100 meetings waiting on a 429 (${waiting} waiting)`,
    value: busy - idle,
    unit: 'MB extra',
    baseline: idle,
    baselineUnit: 'MB idle',
    ratio: busy / idle,
    target: '<= 150 MB extra',
    pass: waiting === 10_000 && busy - idle <= 150,
  });
  let keys = 0;
  let bytes = 0;
  let pacerKeys = 0;
  for await (const batch of c.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<
    string[]
  >) {
    for (const key of batch) {
      keys++;
      if (/:account:a\d+:zoom:(?:slot|paused|pauses)$/.test(key)) pacerKeys++;
      bytes += Number(await c.memory('USAGE', key));
    }
  }
  recordValue(
    'Redis per account with 100 meetings waiting (keys; the queue is shared)',
    keys / 100,
    `keys/account (${Math.round(bytes / 100 / 1024)} KB/account, ${pacerKeys / 100} pacer keys/account)`,
    '<= 4 KB per waiting meeting',
    bytes / 10_000 <= 4096,
  );
  await worker.stop();
  await sandbox.stop();
  await q.obliterate({ force: true });
  await q.close();
  c.disconnect();
}
