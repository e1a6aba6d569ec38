import type { Queue } from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import type { Dispatcher } from 'undici';
import type { Alert } from '../alerts/alerts';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { Rule } from '../policy/rules';
import type { StartJobData } from '../domain/start-job';
import type { Tracing } from '../telemetry/tracing';
import { createPacer } from '../zoom/pacer';
import type { TokenProvider } from '../zoom/token-provider';
import { createListClient } from './list-client';
import { startReconcileRunner } from './reconcile-runner';
import { createSweep, ruleHosts } from './sweep';
import type { SweepReport } from './sweep-types';
import { createSweepSlots } from './sweep-slots';

/** What reconciliation reports as it works (the service passes its Prometheus metrics). */
export interface ReconcileMetrics {
  zoomAnswer: (endpoint: string, status: number | 'error') => void;
  startQueued: (source: 'reconcile') => void;
  sweep: (report: SweepReport, durationMs: number) => void;
}

export interface ReconciliationDeps {
  config: Pick<Config, 'reconcile' | 'zoom' | 'redis' | 'worker' | 'logRepeatIntervalMs'>;
  connection: RedisConnection;
  /** The start queue: the sweep adds starts through `enqueueStart` like the webhook. */
  queue: Queue<StartJobData>;
  dispatcher: Dispatcher;
  tokens: TokenProvider;
  rules: () => readonly Rule[];
  alert: ((alert: Alert) => Promise<unknown>) | undefined;
  metrics: ReconcileMetrics;
  log: Logger;
  /** Zoom's list calls are client spans of this; default: none. */
  tracing?: Tracing;
}

/** The worker's reconciliation: the sweep (live meetings, then preflight) on its scheduler. */
export async function startReconciliation(deps: ReconciliationDeps) {
  const { config, log } = deps;
  const { reconcile } = config;
  if (reconcile.intervalMs > 0 && reconcile.users.kind === 'rules') {
    const hosts = ruleHosts(deps.rules());
    if (hosts.length === 0)
      log.info(
        'reconciliation has no users: RECONCILE_USERS is unset and no streaming rule names host_ids',
      );
  }
  let stopping = false;
  const list = createListClient({
    baseUrl: config.zoom.apiBaseUrl,
    dispatcher: deps.dispatcher,
    tokens: deps.tokens,
    timeoutMs: config.zoom.httpTimeoutMs,
    ...(deps.tracing && { tracing: deps.tracing }),
    slot: createSweepSlots({
      pacer: createPacer({
        redis: deps.connection,
        keyPrefix: config.redis.queuePrefix,
        maxPerSecond: config.zoom.maxRequestsPerSecond,
        maxInlineWaitMs: 0,
      }),
      maxPerSecond: config.zoom.maxRequestsPerSecond,
    }),
    onAnswer: deps.metrics.zoomAnswer,
  });
  const sweep = createSweep({
    list,
    queue: deps.queue,
    redis: deps.connection,
    users: reconcile.users,
    rules: deps.rules,
    preflightLeadMs: reconcile.preflightLeadMs,
    ...(deps.alert && { alert: deps.alert }),
    log,
    onReconciled: () => deps.metrics.startQueued('reconcile'),
    stopping: () => stopping,
  });
  const runner = await startReconcileRunner({
    connection: deps.connection,
    prefix: config.redis.queuePrefix,
    intervalMs: reconcile.intervalMs,
    sweep,
    log,
    shutdownTimeoutMs: config.worker.shutdownTimeoutMs,
    onSweep: deps.metrics.sweep,
    logRepeatIntervalMs: config.logRepeatIntervalMs,
  });
  return {
    close: () => {
      stopping = true;
      return runner.close();
    },
    abort: runner.abort,
  };
}
