import type { Queue } from 'bullmq';
import { DEFAULT_ACCOUNT } from '../domain/account';
import { queueClient } from '../queue/start-queue';

// Per account (the name before the first `.` of a job id; none for the default account): start
// jobs waiting, delayed, active and failed, and the creation time of the oldest not yet running
// (waiting, prioritized, or delayed: a 429's wait, a backoff, a confirmation check). One script,
// one round trip per shard: it walks the ids of those states and reads one hash field per job not
// yet running (few: the starts in play), so a scrape stays cheap.
const BY_ACCOUNT = `local rows, index = {}, {}
local function row(id)
  local dot = string.find(id, '.', 1, true)
  local account = dot and string.sub(id, 1, dot - 1) or ARGV[2]
  local r = index[account]
  if not r then
    r = { account, 0, 0, 0, 0, -1 }
    index[account] = r
    rows[#rows + 1] = r
  end
  return r
end
local function notRunning(id, column)
  local r = row(id)
  if column then r[column] = r[column] + 1 end
  local ts = tonumber(redis.call('HGET', ARGV[1] .. id, 'timestamp'))
  if ts and (r[6] < 0 or ts < r[6]) then r[6] = ts end
end
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(id, 1, 2) ~= '0:' then notRunning(id, 2) end
end
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do notRunning(id, nil) end
for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do notRunning(id, 3) end
for _, id in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do local r = row(id); r[4] = r[4] + 1 end
for _, id in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do local r = row(id); r[5] = r[5] + 1 end
return rows`;

/** One account's start jobs in one shard. */
export interface AccountJobs {
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  /** When the oldest start not yet running was queued (ms); undefined when none waits. */
  oldestWaitingAt: number | undefined;
}

/**
 * Every account's start jobs in `queue` (one shard), by the account named in their job ids.
 * Cost: one script per scrape and shard, linear in the jobs in play and the failed ones kept.
 */
export async function jobsByAccount(queue: Queue): Promise<Map<string, AccountJobs>> {
  const client = (await queueClient(queue)) as unknown as {
    eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
  };
  const rows = (await client.eval(
    BY_ACCOUNT,
    5,
    queue.toKey('wait'),
    queue.toKey('prioritized'),
    queue.toKey('delayed'),
    queue.toKey('active'),
    queue.toKey('failed'),
    queue.toKey(''),
    DEFAULT_ACCOUNT,
  )) as [string, number, number, number, number, number][];
  return new Map(
    rows.map(([account, waiting, delayed, active, failed, oldest]) => [
      account,
      { waiting, delayed, active, failed, oldestWaitingAt: oldest < 0 ? undefined : oldest },
    ]),
  );
}
