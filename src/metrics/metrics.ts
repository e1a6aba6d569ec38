import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Metrics } from './metrics-types';
import { registerQueueGauges } from './queue-gauges';
import { createQueueingMetrics } from './queueing-metrics';
import { registerReadinessGauges } from './readiness-gauges';
import { createStartMetrics } from './start-metrics';
import { createZoomMetrics } from './zoom-metrics';

export type { Metrics } from './metrics-types';

/**
 * The service's Prometheus metrics, on a registry of its own (default Node process metrics
 * included), so several services in one test process never share counters.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ...createQueueingMetrics(registry),
    ...createZoomMetrics(registry),
    ...createStartMetrics(registry),
    watchStarts: registerQueueGauges(registry),
    watchReadiness: registerReadinessGauges(registry),
  };
}
