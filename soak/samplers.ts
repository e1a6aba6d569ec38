import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Fleet } from './fleet';
import type { Ledger } from './ledger';

/** Resident memory of a process in bytes (Linux `/proc`), undefined once it is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Samples Redis' used memory and each worker's RSS into the ledger. */
export async function sample(ledger: Ledger, fleet: Fleet, redis: Redis): Promise<void> {
  const workers = fleet.workers().flatMap((w) => {
    const rss = rssOf(w.pid);
    return rss === undefined ? [] : [{ pid: w.pid, rss }];
  });
  let redisBytes: number | undefined;
  try {
    const info = await Promise.race([
      redis.info('memory'),
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('slow')), 1000)),
    ]);
    const used = /used_memory:(\d+)/.exec(info)?.[1];
    redisBytes = used === undefined ? undefined : Number(used);
  } catch {
    redisBytes = undefined;
  }
  ledger.samples.push({
    at: Date.now(),
    ...(redisBytes !== undefined && { redisBytes }),
    workers,
  });
}
