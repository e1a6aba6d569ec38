import type { Queue } from 'bullmq';
import { DEFAULT_ACCOUNT } from '../domain/account';
import { queueClient } from '../queue/start-queue';

// Per account (the name before the first `.` of a job id; none for the default account): start
// jobs waiting, delayed and active, and the creation time of the oldest not yet running (waiting,
// prioritized, or delayed: a 429's wait, a backoff, a confirmation check): it walks the ids of
// those states and reads one hash field per job not yet running (the starts in play). The failed
// starts (kept 30 days: they can be many) are counted per account only when the failed set
// changed since the caller's last count: its size, first and last entries (`seen`) are compared
// with ARGV[3]; the same set costs three O(log n) reads. One script, one round trip per shard.
const BY_ACCOUNT = `local rows, index = {}, {}
local function row(id)
  local dot = string.find(id, '.', 1, true)
  local account = dot and string.sub(id, 1, dot - 1) or ARGV[2]
  local r = index[account]
  if not r then
    r = { account, 0, 0, 0, -1 }
    index[account] = r
    rows[#rows + 1] = r
  end
  return r
end
local function notRunning(id, column)
  local r = row(id)
  if column then r[column] = r[column] + 1 end
  local ts = tonumber(redis.call('HGET', ARGV[1] .. id, 'timestamp'))
  if ts and (r[5] < 0 or ts < r[5]) then r[5] = ts end
end
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(id, 1, 2) ~= '0:' then notRunning(id, 2) end
end
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do notRunning(id, nil) end
for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do notRunning(id, 3) end
for _, id in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do local r = row(id); r[4] = r[4] + 1 end
local card = redis.call('ZCARD', KEYS[5])
local first = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
local last = redis.call('ZRANGE', KEYS[5], -1, -1, 'WITHSCORES')
local seen = card .. ':' .. table.concat(first, ':') .. ':' .. table.concat(last, ':')
if seen == ARGV[3] then return { rows, seen } end
local failed, at = {}, {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
  local dot = string.find(id, '.', 1, true)
  local account = dot and string.sub(id, 1, dot - 1) or ARGV[2]
  local i = at[account]
  if not i then
    failed[#failed + 1] = account
    failed[#failed + 1] = 0
    i = #failed
    at[account] = i
  end
  failed[i] = failed[i] + 1
end
return { rows, seen, failed }`;

/** One account's start jobs in one shard. */
export interface AccountJobs {
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  /** When the oldest start not yet running was queued (ms); undefined when none waits. */
  oldestWaitingAt: number | undefined;
}

type Row = [account: string, waiting: number, delayed: number, active: number, oldest: number];

/** The failed starts per account of each queue, and the state of its failed set they are of. */
const failedCounts = new WeakMap<Queue, { seen: string; byAccount: Map<string, number> }>();

/**
 * Every account's start jobs in `queue` (one shard), by the account named in their job ids. Cost:
 * one script per scrape and shard, linear in the starts in play, and in the failed ones kept only
 * when a start failed (or a failed one was retried or expired) since the last scrape.
 */
export async function jobsByAccount(queue: Queue): Promise<Map<string, AccountJobs>> {
  const client = (await queueClient(queue)) as unknown as {
    eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
  };
  const cached = failedCounts.get(queue);
  const [rows, seen, failed] = (await client.eval(
    BY_ACCOUNT,
    5,
    queue.toKey('wait'),
    queue.toKey('prioritized'),
    queue.toKey('delayed'),
    queue.toKey('active'),
    queue.toKey('failed'),
    queue.toKey(''),
    DEFAULT_ACCOUNT,
    cached?.seen ?? '',
  )) as [Row[], string, (string | number)[] | undefined];
  let byAccount = cached?.byAccount ?? new Map<string, number>();
  if (failed !== undefined) {
    byAccount = new Map();
    for (let i = 0; i < failed.length; i += 2)
      byAccount.set(String(failed[i]), Number(failed[i + 1]));
    failedCounts.set(queue, { seen, byAccount });
  }
  const empty = (): AccountJobs => ({
    waiting: 0,
    delayed: 0,
    active: 0,
    failed: 0,
    oldestWaitingAt: undefined,
  });
  const jobs = new Map<string, AccountJobs>();
  for (const [account, waiting, delayed, active, oldest] of rows)
    jobs.set(account, {
      ...empty(),
      waiting,
      delayed,
      active,
      oldestWaitingAt: oldest < 0 ? undefined : oldest,
    });
  for (const [account, count] of byAccount)
    jobs.set(account, { ...(jobs.get(account) ?? empty()), failed: count });
  return jobs;
}
