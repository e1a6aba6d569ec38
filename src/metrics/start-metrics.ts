import type { Job } from 'bullmq';
import { Counter, Histogram, type Registry } from 'prom-client';
import { DEFAULT_ACCOUNT } from '../domain/account';
import { finishedState } from './labels';
import type { Metrics } from './metrics-types';
import { FINISHED_STATES, type FinishedState } from '../domain/start-progress';

/**
 * What the worker decided on each start attempt (waits, outcomes, start latency) and how its start
 * jobs finished.
 */
export function createStartMetrics(registry: Registry): Pick<Metrics, 'decision' | 'watchWorker'> {
  const waits = new Counter({
    name: 'zlw_livestream_waits_total',
    help: 'Start attempts rescheduled, by reason (livestream_rate_limited is the 30-second 429).',
    labelNames: ['account', 'reason'] as const,
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'zlw_livestream_start_outcomes_total',
    help: 'Finished start jobs: started, or failed with a code.',
    labelNames: ['account', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'zlw_livestream_start_latency_seconds',
    help: 'Time from receiving meeting.started to Zoom accepting the start.',
    labelNames: ['account'] as const,
    buckets: [
      0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 31, 60, 90, 120, 300, 600, 1800, 3600, 14400,
    ],
    registers: [registry],
  });
  const finished = new Counter({
    name: 'zlw_start_jobs_finished_total',
    help: 'Start jobs finished by this worker, by how they ended: started, live, stopped, skipped, cancelled (the meeting ended first) or failed.',
    labelNames: ['account', 'state'] as const,
    registers: [registry],
  });
  // Every state from the start (the default account's: others appear with their first job).
  for (const state of FINISHED_STATES) finished.inc({ account: DEFAULT_ACCOUNT, state }, 0);
  return {
    decision: (decision, receivedAt, now, account = DEFAULT_ACCOUNT) => {
      if (decision.type === 'retry') waits.inc({ account, reason: decision.reason });
      else if (decision.type === 'fail')
        outcomes.inc({ account, outcome: `failed_${decision.code}` });
      else {
        outcomes.inc({ account, outcome: 'started' });
        latency.observe({ account }, (now - receivedAt) / 1000);
      }
    },
    watchWorker: (worker, accountOf = () => DEFAULT_ACCOUNT) => {
      const count = (job: Job | undefined, state: FinishedState | undefined) =>
        state && finished.inc({ account: accountOf(job), state });
      worker.on('completed', (job, result: unknown) => count(job, finishedState(result)));
      worker.on('failed', (job, err) => {
        // A job is failed for good when it gave up, or BullMQ has no attempt left for it.
        const final =
          err.name === 'UnrecoverableError' ||
          (job && job.attemptsMade >= (job.opts.attempts ?? 1));
        if (final) count(job, 'failed');
      });
    },
  };
}
