import type { Job, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import type { Decision } from '../domain/decision';
import type { StartSource } from '../domain/start-job';
import type { SweepReport } from '../reconcile/sweep-types';
import type { WebhookOutcome } from '../domain/webhook-outcome';
import type { WatchedStarts } from './queue-gauges';

export interface Metrics {
  registry: Registry;
  /** A webhook answered; `account` from the registry, `''` when its path named no account. */
  webhook: (event: string, outcome: WebhookOutcome, account: string) => void;
  /** `account`: a name of the registry (default: the default account), never one from job data. */
  zoomAnswer: (endpoint: string, status: number | 'error', account?: string) => void;
  tokenFetch: (outcome: 'ok' | 'rejected' | 'error', account?: string) => void;
  decision: (decision: Decision, receivedAt: number, now: number, account?: string) => void;
  /** Reports every shard's start jobs, per account, on every scrape. */
  watchStarts: (starts: WatchedStarts) => void;
  /**
   * Counts the start jobs `worker` finishes, by how they ended and by account (`account` maps a
   * job to its label: a registry name, or `unknown`).
   */
  watchWorker: (worker: Worker, account?: (job: Job | undefined) => string) => void;
  /** Reports each account's rejected credentials on every scrape. */
  watchCredentials: (check: () => readonly { account: string; state: string }[]) => void;
  /** A start job was added (not a duplicate), by what queued it. */
  startQueued: (source: StartSource) => void;
  /** One reconcile sweep: how long it took and what it found. */
  sweep: (report: SweepReport, durationMs: number) => void;
  /** Reports readiness (`/readyz`'s verdict, and Redis' part of it) on every scrape. */
  watchReadiness: (check: () => Promise<{ ready: boolean; redis: boolean }>) => void;
}
