import type { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import { withDeadline } from '../redis/connections';
import { oldestWaitingAgeSeconds } from './waiting-age';

/**
 * BullMQ states reported by `zlw_jobs`: the starts still in play, and the failed ones kept.
 * BullMQ's `completed` is left out: it holds started, skipped and cancelled starts alike, which
 * `zlw_start_jobs_finished_total` tells apart.
 */
const JOB_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/**
 * Gauges read from the watched queues on every scrape: jobs by state and the oldest waiting
 * start's age. A scrape must not hang on a Redis that is down: they keep their last values.
 */
export function registerQueueGauges(registry: Registry): (queue: Queue) => void {
  const queues: Queue[] = [];
  new Gauge({
    name: 'zlw_jobs',
    help: 'Start jobs by BullMQ state.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      for (const queue of queues) {
        const counts = await withDeadline(queue.getJobCounts(...JOB_STATES), 500).catch(
          () => undefined,
        );
        if (counts) for (const state of JOB_STATES) this.set({ state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'zlw_oldest_waiting_start_age_seconds',
    help: 'Age of the oldest start job not yet running (waiting, or delayed by a 429, a backoff or a confirmation check); 0 when none.',
    registers: [registry],
    async collect() {
      for (const queue of queues) {
        const age = await withDeadline(oldestWaitingAgeSeconds(queue, Date.now()), 500).catch(
          () => undefined,
        );
        if (age !== undefined) this.set(age);
      }
    },
  });
  return (queue) => void queues.push(queue);
}
