import { Redis } from 'ioredis';
import type { StartJobData } from '../../src/domain/start-job';
import { isAccountJobId, wakeDelayedStarts } from '../../src/queue/account-starts';
import { createStartQueue, START_JOB } from '../../src/queue/start-queue';
import { startJobId } from '../../src/domain/start-job';
import { captureLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';

const data = (uuid: string, account?: string): StartJobData => ({
  kind: 'meeting',
  meetingId: '85012345678',
  uuid,
  receivedAt: Date.now(),
  source: 'webhook',
  ...(account !== undefined && { account }),
});

it('tells each account’s start ids apart, the default account’s bare ids included', () => {
  const bare = startJobId('meeting', 'a.b/c+d==');
  const campus = startJobId('meeting', 'a.b/c+d==', 'campus');
  expect(isAccountJobId(bare, 'default')).toBe(true);
  expect(isAccountJobId(campus, 'default')).toBe(false);
  expect(isAccountJobId(campus, 'campus')).toBe(true);
  expect(isAccountJobId(campus, 'camp')).toBe(false);
  expect(isAccountJobId(bare, 'campus')).toBe(false);
});

it('wakes the delayed starts of one account only, whatever their due time', async () => {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queue = createStartQueue(connection, uniquePrefix(), captureLog().log);
  try {
    const hour = 3_600_000;
    const add = (d: StartJobData) =>
      queue.add(START_JOB, d, { jobId: startJobId(d.kind, d.uuid, d.account), delay: hour });
    await add(data('old'));
    await add(data('c1', 'campus'));
    await add(data('c2', 'campus'));
    await add(data('n1', 'north'));

    expect(await wakeDelayedStarts(queue, 'campus')).toBe(2);
    expect(await queue.getJobState(startJobId('meeting', 'c1', 'campus'))).toBe('waiting');
    expect(await queue.getJobState(startJobId('meeting', 'c2', 'campus'))).toBe('waiting');
    expect(await queue.getJobState(startJobId('meeting', 'n1', 'north'))).toBe('delayed');
    expect(await queue.getJobState(startJobId('meeting', 'old'))).toBe('delayed');
    expect(await wakeDelayedStarts(queue, 'default')).toBe(1);
    expect(await queue.getJobState(startJobId('meeting', 'old'))).toBe('waiting');
    expect(await queue.getJobState(startJobId('meeting', 'n1', 'north'))).toBe('delayed');
  } finally {
    await queue.close();
    connection.disconnect();
  }
});
