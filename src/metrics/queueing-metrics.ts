import { Counter, Histogram, type Registry } from 'prom-client';
import { eventLabel } from './labels';
import type { Metrics } from './metrics-types';

/** What queues starts: webhooks by event and outcome, start jobs by source, reconcile sweeps. */
export function createQueueingMetrics(
  registry: Registry,
): Pick<Metrics, 'webhook' | 'startQueued' | 'sweep'> {
  const webhooks = new Counter({
    name: 'zlw_webhooks_total',
    help: 'Webhook requests by event, outcome (accepted, duplicate, bad_signature, stale, invalid, unavailable, ...) and account (empty when the path named none).',
    labelNames: ['event', 'outcome', 'account'] as const,
    registers: [registry],
  });
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
  return {
    webhook: (event, outcome, account) => {
      webhooks.inc({ event: eventLabel(event), outcome, account });
      // An accepted *.started webhook is a start job added (a duplicate says `duplicate`).
      if (outcome === 'accepted' && event.endsWith('.started')) queued.inc({ source: 'webhook' });
    },
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
  };
}
