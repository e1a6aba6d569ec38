import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { redisUrl } from './redis';
import type { StartJobData } from '../../src/domain/start-job';

/**
 * Round trips to Redis made by `read` on a connection of its own, to the queue under `prefix`:
 * commands sent alone, and pipelines.
 */
export async function roundTrips(
  prefix: string,
  read: (queue: Queue<StartJobData>) => Promise<unknown>,
): Promise<number> {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix });
  await queue.waitUntilReady();
  await read(queue); // BullMQ writes the queue's meta once, on first use
  const alone = jest.spyOn(connection, 'sendCommand');
  const pipelines = jest.spyOn(connection, 'pipeline');
  const multis = jest.spyOn(connection, 'multi');
  await read(queue);
  // A pipelined command carries its place in the pipeline; the pipeline is one round trip.
  const sentAlone = alone.mock.calls.filter(
    ([c]) => (c as { pipelineIndex?: number }).pipelineIndex === undefined,
  );
  const trips = sentAlone.length + pipelines.mock.calls.length + multis.mock.calls.length;
  await queue.close();
  connection.disconnect();
  return trips;
}
