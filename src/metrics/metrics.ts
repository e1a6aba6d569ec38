import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queue, Worker } from 'bullmq';
import type { Decision } from '../domain/decision';
import type { StartSource } from '../domain/start-job';
import type { SweepReport } from '../reconcile/sweep-types';
import type { WebhookOutcome } from '../domain/webhook-outcome';
import { withDeadline } from '../redis/connections';
import { oldestWaitingAgeSeconds } from './waiting-age';
import { FINISHED_STATES, type FinishedState } from '../domain/start-progress';
import { eventLabel, finishedState } from './labels';

/**
 * BullMQ states reported by `zlw_jobs`: the starts still in play, and the failed ones kept.
 * BullMQ's `completed` is left out: it holds started, skipped and cancelled starts alike, which
 * `zlw_start_jobs_finished_total` tells apart.
 */
const JOB_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

export interface Metrics {
  registry: Registry;
  webhook: (event: string, outcome: WebhookOutcome) => void;
  zoomAnswer: (endpoint: string, status: number | 'error') => void;
  tokenFetch: (outcome: 'ok' | 'rejected' | 'error') => void;
  decision: (decision: Decision, receivedAt: number, now: number) => void;
  /** Reports job counts of `queue` on every scrape. */
  watchQueue: (queue: Queue) => void;
  /** Counts the start jobs `worker` finishes, by how they ended. */
  watchWorker: (worker: Worker) => void;
  /** A start job was added (not a duplicate), by what queued it. */
  startQueued: (source: StartSource) => void;
  /** One reconcile sweep: how long it took and what it found. */
  sweep: (report: SweepReport, durationMs: number) => void;
  /** Reports readiness (`/readyz`'s verdict, and Redis' part of it) on every scrape. */
  watchReadiness: (check: () => Promise<{ ready: boolean; redis: boolean }>) => void;
}

/**
 * The service's Prometheus metrics, on a registry of its own (default Node process metrics
 * included), so several services in one test process never share counters.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const webhooks = new Counter({
    name: 'zlw_webhooks_total',
    help: 'Webhook requests by event and outcome (accepted, duplicate, bad_signature, stale, invalid, unavailable, ...).',
    labelNames: ['event', 'outcome'] as const,
    registers: [registry],
  });
  const zoomRequests = new Counter({
    name: 'zlw_zoom_requests_total',
    help: 'Zoom API answers by endpoint and HTTP status ("error" when no answer came).',
    labelNames: ['endpoint', 'status'] as const,
    registers: [registry],
  });
  const waits = new Counter({
    name: 'zlw_livestream_waits_total',
    help: 'Start attempts rescheduled, by reason (livestream_rate_limited is the 30-second 429).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'zlw_livestream_start_outcomes_total',
    help: 'Finished start jobs: started, or failed with a code.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'zlw_livestream_start_latency_seconds',
    help: 'Time from receiving meeting.started to Zoom accepting the start.',
    buckets: [
      0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 31, 60, 90, 120, 300, 600, 1800, 3600, 14400,
    ],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'zlw_oauth_token_fetches_total',
    help: 'Server-to-Server OAuth token requests by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const finished = new Counter({
    name: 'zlw_start_jobs_finished_total',
    help: 'Start jobs finished by this worker, by how they ended: started, live, stopped, skipped, cancelled (the meeting ended first) or failed.',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  for (const state of FINISHED_STATES) finished.inc({ state }, 0); // every state from the start
  const queued = new Counter({
    name: 'zlw_starts_queued_total',
    help: 'Start jobs added by this process, by source: webhook, reconcile (the sweep found a live meeting without one) or manual.',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const reconciled = new Counter({
    name: 'zlw_reconciled_starts_total',
    help: 'Starts queued by the reconcile sweep: live meetings whose meeting.started webhook never came.',
    registers: [registry],
  });
  const sweeps = new Histogram({
    name: 'zlw_reconcile_sweep_seconds',
    help: 'Duration of reconcile sweeps, by outcome (done, rate_limited, error, shutdown).',
    labelNames: ['outcome'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const preflightFailures = new Counter({
    name: 'zlw_preflight_failures_total',
    help: 'Upcoming meetings a rule would stream that cannot stream as things stand.',
    registers: [registry],
  });
  const queues: Queue[] = [];
  new Gauge({
    name: 'zlw_jobs',
    help: 'Start jobs by BullMQ state.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      for (const queue of queues) {
        // A scrape must not hang on a Redis that is down: keep the last values instead.
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
  const readiness: (() => Promise<{ ready: boolean; redis: boolean }>)[] = [];
  // Both gauges are collected in one scrape: they share one check.
  let pending: Promise<{ ready: boolean; redis: boolean } | undefined> | undefined;
  const report = () =>
    (pending ??= (async () => {
      const check = readiness[0];
      const result = check && (await check().catch(() => ({ ready: false, redis: false })));
      setImmediate(() => (pending = undefined));
      return result;
    })());
  new Gauge({
    name: 'zlw_ready',
    help: '1 when /readyz answers 200 (Redis accepts writes and never evicts; for workers, Zoom accepts the credentials), else 0.',
    registers: [registry],
    async collect() {
      const r = await report();
      if (r) this.set(r.ready ? 1 : 0);
    },
  });
  new Gauge({
    name: 'zlw_redis_ready',
    help: '1 when Redis accepts a write to a key of ours and never evicts keys, else 0.',
    registers: [registry],
    async collect() {
      const r = await report();
      if (r) this.set(r.redis ? 1 : 0);
    },
  });

  return {
    registry,
    webhook: (event, outcome) => {
      webhooks.inc({ event: eventLabel(event), outcome });
      // An accepted *.started webhook is a start job added (a duplicate says `duplicate`).
      if (outcome === 'accepted' && event.endsWith('.started')) queued.inc({ source: 'webhook' });
    },
    zoomAnswer: (endpoint, status) => zoomRequests.inc({ endpoint, status: String(status) }),
    tokenFetch: (outcome) => tokens.inc({ outcome }),
    decision: (decision, receivedAt, now) => {
      if (decision.type === 'retry') waits.inc({ reason: decision.reason });
      else if (decision.type === 'fail') outcomes.inc({ outcome: `failed_${decision.code}` });
      else {
        outcomes.inc({ outcome: 'started' });
        latency.observe((now - receivedAt) / 1000);
      }
    },
    watchQueue: (queue) => void queues.push(queue),
    startQueued: (source) => {
      queued.inc({ source });
      if (source === 'reconcile') reconciled.inc();
    },
    sweep: (report, durationMs) => {
      const stopped = report.stoppedBy;
      const outcome = !stopped
        ? 'done'
        : stopped === 'rate_limited' || stopped === 'shutdown'
          ? stopped
          : 'error';
      sweeps.observe({ outcome }, durationMs / 1000);
      preflightFailures.inc(report.preflightFailed);
    },
    watchReadiness: (check) => void readiness.push(check),
    watchWorker: (worker) => {
      const count = (state: FinishedState | undefined) => state && finished.inc({ state });
      worker.on('completed', (_job, result: unknown) => count(finishedState(result)));
      worker.on('failed', (job, err) => {
        // A job is failed for good when it gave up, or BullMQ has no attempt left for it.
        const final =
          err.name === 'UnrecoverableError' ||
          (job && job.attemptsMade >= (job.opts.attempts ?? 1));
        if (final) count('failed');
      });
    },
  };
}
