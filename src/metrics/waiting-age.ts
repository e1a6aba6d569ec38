import type { Queue } from 'bullmq';
import { queueClient } from '../queue/start-queue';

// The creation time of the oldest start job not yet running: waiting, prioritized, or delayed
// (a 429's wait, a backoff, a confirmation check). One script, one round trip; it reads one hash
// field per such job, and these are few (starts in play), so a scrape stays cheap.
const OLDEST = `local oldest = -1
local function consider(id)
  local ts = tonumber(redis.call('HGET', ARGV[1] .. id, 'timestamp'))
  if ts and (oldest < 0 or ts < oldest) then oldest = ts end
end
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do consider(id) end
for _, id in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do consider(id) end
for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do consider(id) end
return oldest`;

/** Seconds since the oldest start still waiting was queued; 0 when none waits. */
export async function oldestWaitingAgeSeconds(queue: Queue, now: number): Promise<number> {
  const client = (await queueClient(queue)) as unknown as {
    eval(script: string, keys: number, ...args: string[]): Promise<number>;
  };
  const oldest = await client.eval(
    OLDEST,
    3,
    queue.toKey('delayed'),
    queue.toKey('wait'),
    queue.toKey('prioritized'),
    queue.toKey(''),
  );
  return oldest < 0 ? 0 : Math.max(0, (now - oldest) / 1000);
}
