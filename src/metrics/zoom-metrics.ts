import { Counter, Gauge, type Registry } from 'prom-client';
import { DEFAULT_ACCOUNT } from '../domain/account';
import type { Metrics } from './metrics-types';

/**
 * Zoom API answers by endpoint and status, OAuth token fetches by outcome, and rejected
 * credentials, each by account (a name of the accounts in force: the label stays bounded).
 */
export function createZoomMetrics(
  registry: Registry,
): Pick<Metrics, 'zoomAnswer' | 'tokenFetch' | 'watchCredentials'> {
  const zoomRequests = new Counter({
    name: 'zlw_zoom_requests_total',
    help: 'Zoom API answers by account, endpoint and HTTP status ("error" when no answer came).',
    labelNames: ['account', 'endpoint', 'status'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'zlw_oauth_token_fetches_total',
    help: 'Server-to-Server OAuth token requests by account and outcome.',
    labelNames: ['account', 'outcome'] as const,
    registers: [registry],
  });
  const checks: (() => readonly { account: string; state: string }[])[] = [];
  new Gauge({
    name: 'zlw_zoom_credentials_rejected',
    help: "1 while Zoom rejects the account's client credentials (its starts wait), else 0.",
    labelNames: ['account'] as const,
    registers: [registry],
    collect() {
      this.reset(); // an account removed by a reload leaves no series behind
      for (const check of checks)
        for (const { account, state } of check())
          this.set({ account }, state === 'rejected' ? 1 : 0);
    },
  });
  return {
    zoomAnswer: (endpoint, status, account = DEFAULT_ACCOUNT) =>
      zoomRequests.inc({ account, endpoint, status: String(status) }),
    tokenFetch: (outcome, account = DEFAULT_ACCOUNT) => tokens.inc({ account, outcome }),
    watchCredentials: (check) => void checks.push(check),
  };
}
