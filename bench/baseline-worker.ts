import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

// Baseline for the worker: BullMQ with a no-op processor, same queue, same concurrency.
const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const worker = new Worker(process.env.QUEUE_NAME!, async () => undefined, {
  connection,
  prefix: process.env.QUEUE_PREFIX!,
  concurrency: Number(process.env.CONCURRENCY),
});
worker.on('ready', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
