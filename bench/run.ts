import { Redis } from 'ioredis';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis } from '../src/redis/embedded-redis';
import { endToEndFigures } from './end-to-end';
import { fairnessFigures } from './fairness';
import type { BenchContext } from './fixtures';
import { memoryFigure } from './memory';
import { mixedFigures } from './mixed';
import { enqueueFigure, receiverFigures } from './receiver';
import { receiverAccountsFigures } from './receiver-accounts';
import { machine, writeResults } from './report';
import { receiverRoundTrips, workerRoundTrips } from './round-trips';
import { workerFigure } from './worker';

/**
 * `npm run bench`: every figure next to a baseline measured in the same run, on this machine;
 * subject and baseline alternate over several rounds and the median ratio is reported with its
 * spread. Load comes from autocannon in this process; the service and the baselines run as child
 * processes; Zoom is the built-in sandbox answering at once. Never part of `npm test`.
 * `npm run bench -- memory mixed` runs only the named sections.
 */
const SECTIONS: Record<string, (ctx: BenchContext) => Promise<void>> = {
  receiver: receiverFigures,
  'receiver-accounts': receiverAccountsFigures,
  enqueue: enqueueFigure,
  worker: workerFigure,
  'end-to-end': endToEndFigures,
  memory: memoryFigure,
  'round-trips': async (ctx) => {
    await receiverRoundTrips(ctx);
    await workerRoundTrips(ctx);
  },
  mixed: mixedFigures,
  fairness: fairnessFigures,
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((s) => !(s in SECTIONS));
  if (unknown.length > 0)
    throw new Error(
      `unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`,
    );
  const m = machine();
  console.log(
    `bench on Node ${m.node}, ${m.cpus} CPUs (${m.cpu}), ${m.redis.split(' ').slice(0, 3).join(' ')}`,
  );
  const began = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'zlw-bench-'));
  const redis = await startEmbeddedRedis({ dataDir: join(dir, 'redis'), env: process.env });
  const admin = new Redis(redis.url);
  const ctx: BenchContext = {
    redisUrl: redis.url,
    redisPort: redis.port,
    admin,
    cleanups: [() => redis.stop(), async () => admin.disconnect()],
  };
  try {
    for (const [name, section] of Object.entries(SECTIONS))
      if (only.length === 0 || only.includes(name)) await section(ctx);
    writeResults(began);
  } finally {
    for (const cleanup of ctx.cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
