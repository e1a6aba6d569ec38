import type { Worker } from 'bullmq';
import type { AccountRegistry } from '../accounts/account-registry';
import type { Config } from '../config/load-config';
import { createStartProcessor } from '../livestream/start-processor';
import { createStartWorker } from '../livestream/start-worker';
import type { Logger } from '../logging/create-logger';
import type { createMetrics } from '../metrics/metrics';
import type { RulesStore } from '../policy/rules-store';
import { bullmqTelemetry, type Tracing } from '../telemetry/tracing';
import { createStartQueue, readInstanceFacts } from '../queue/start-queue';
import type { ConnectMode } from '../redis/connect';
import { createWorkerConnection, quit } from '../redis/connections';
import type { CredentialsState } from '../zoom/token-provider';
import { createZoomStack } from '../zoom/zoom-stack';
import { startAlerts } from './alert-role';
import { startReconcileRole } from './reconcile-role';
import { workerCloser } from '../queue/worker-closer';
import { disconnectNow, type Closer } from './shutdown';

export interface WorkerRoleDeps {
  config: Config;
  /** The accounts served: each has its own Zoom credentials, pacing, rules and alerts. */
  accounts: AccountRegistry;
  log: Logger;
  mode: ConnectMode;
  rules: RulesStore;
  metrics: ReturnType<typeof createMetrics>;
  /** Where each started part registers its close (run in reverse order). */
  closers: Closer[];
  tracing: Tracing;
  /** For `${VAR}` references in the accounts' rules files. */
  env?: Record<string, string | undefined>;
}

/**
 * The worker role: its patient Redis connection, the OAuth token shared through Redis, the
 * account-wide pacer, alerts, and the BullMQ worker that starts streams.
 */
export async function startWorkerRole(
  deps: WorkerRoleDeps,
): Promise<{ worker: Worker; credentials: () => CredentialsState }> {
  const { config, log, metrics, closers, tracing } = deps;
  const redis = openWorkerRedis(config, deps.mode, log, closers, tracing);
  const zoomStack = openZoomStack(deps, redis.workerConnection);
  const { dispatcher, tokens } = zoomStack;
  if ((await tokens.verify()) === 'accepted') log.info('zoom credentials accepted');
  const alert = startAlerts(config, redis.workerConnection, dispatcher, log, closers, tracing);
  const w = createWorker(deps, redis, zoomStack, alert);
  metrics.watchWorker(w);
  await startReconcileRole(deps, redis.workerConnection, zoomStack, alert);
  // Registered last, so closed first: starts in flight come before a sweep.
  closers.push({
    name: 'start worker (jobs in flight are taken up again by another worker)',
    // Cut off, the Zoom calls are cut next; the job's lock lapses and stall recovery hands it on.
    ...workerCloser(w),
  });
  return { worker: w, credentials: () => tokens.credentials() };
}

type WorkerRedis = ReturnType<typeof openWorkerRedis>;
type ZoomStack = ReturnType<typeof createZoomStack>;

/** The Zoom client, shared token and pacer over the worker's connection, with its cut-off registered. */
function openZoomStack(
  deps: WorkerRoleDeps,
  workerConnection: WorkerRedis['workerConnection'],
): ZoomStack {
  const { config, log, metrics, closers, tracing } = deps;
  const stack = createZoomStack(
    config,
    workerConnection,
    log,
    { onFetch: metrics.tokenFetch, onAnswer: metrics.zoomAnswer },
    tracing,
  );
  // Closed after the worker (closers run in reverse): a call still in flight then belongs to a
  // job that SHUTDOWN_TIMEOUT_MS abandoned, so it is cut off instead of awaited.
  const cutZoomCalls = () => stack.dispatcher.destroy();
  closers.push({ name: 'Zoom calls', close: cutZoomCalls, abort: cutZoomCalls });
  return stack;
}

/** The BullMQ worker that starts streams, with its processor wired to Zoom, the rules and alerts. */
function createWorker(
  deps: WorkerRoleDeps,
  { workerConnection, workerQueue }: WorkerRedis,
  { zoom, pacer }: ZoomStack,
  alert: ReturnType<typeof startAlerts>,
): Worker {
  const { config, log, rules, metrics, tracing } = deps;
  return createStartWorker({
    connection: workerConnection,
    prefix: config.redis.queuePrefix,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    log: log.child({ component: 'worker' }),
    logRepeatIntervalMs: config.logRepeatIntervalMs,
    ...bullmqTelemetry(tracing),
    processor: createStartProcessor({
      zoom,
      // Over the worker's own connection, which waits out a Redis outage: a blip must never
      // turn into an error that BullMQ counts as an attempt.
      facts: (jobId) => readInstanceFacts(workerQueue, jobId),
      rules: rules.current,
      reserveSlot: () => pacer.acquire(),
      pauseZoomCalls: pacer.pause,
      ...(alert && { alert }),
      policy: config.livestream,
      settings: config.livestream.settings,
      log: log.child({ component: 'worker' }),
      onDecision: (decision, data) => metrics.decision(decision, data.receivedAt, Date.now()),
      tracing,
    }),
  });
}

/** The worker's own patient connection (it waits out a Redis outage) and its view of the queue. */
function openWorkerRedis(
  config: Config,
  mode: ConnectMode,
  log: Logger,
  closers: Closer[],
  tracing: Tracing,
) {
  const workerConnection = createWorkerConnection(mode, log);
  closers.push({
    name: 'worker redis connection',
    close: () => quit(workerConnection),
    abort: () => workerConnection.disconnect(),
  });
  const workerQueue = createStartQueue(
    workerConnection,
    config.redis.queuePrefix,
    log,
    config.logRepeatIntervalMs,
    tracing.bullmq,
  );
  closers.push({
    name: 'worker queue',
    close: () => workerQueue.close(),
    abort: disconnectNow(workerQueue),
  });
  return { workerConnection, workerQueue };
}
