import { Counter, type Registry } from 'prom-client';
import type { Metrics } from './metrics-types';

/** Zoom API answers by endpoint and status, and OAuth token fetches by outcome. */
export function createZoomMetrics(registry: Registry): Pick<Metrics, 'zoomAnswer' | 'tokenFetch'> {
  const zoomRequests = new Counter({
    name: 'zlw_zoom_requests_total',
    help: 'Zoom API answers by endpoint and HTTP status ("error" when no answer came).',
    labelNames: ['endpoint', 'status'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'zlw_oauth_token_fetches_total',
    help: 'Server-to-Server OAuth token requests by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return {
    zoomAnswer: (endpoint, status) => zoomRequests.inc({ endpoint, status: String(status) }),
    tokenFetch: (outcome) => tokens.inc({ outcome }),
  };
}
