import type { Worker } from 'bullmq';
import type { Config } from '../config/load-config';
import { createAlertQueue, createAlertWorker, enqueueAlert, type Alert } from '../alerts/alerts';
import { createStartProcessor } from '../livestream/start-processor';
import { createStartWorker } from '../livestream/start-worker';
import type { Logger } from '../logging/create-logger';
import type { createMetrics } from '../metrics/metrics';
import { startReconciliation } from '../reconcile/start-reconciliation';
import type { RulesStore } from '../policy/rules-store';
import { createStartQueue, readInstanceFacts } from '../queue/start-queue';
import type { ConnectMode } from '../redis/connect';
import { createWorkerConnection, quit } from '../redis/connections';
import type { CredentialsState } from '../zoom/token-provider';
import { createZoomStack } from '../zoom/zoom-stack';

export interface WorkerRoleDeps {
  config: Config;
  log: Logger;
  mode: ConnectMode;
  rules: RulesStore;
  metrics: ReturnType<typeof createMetrics>;
  /** Where each started part registers its close (run in reverse order). */
  closers: (() => Promise<unknown>)[];
}

/**
 * The worker role: its patient Redis connection, the OAuth token shared through Redis, the
 * account-wide pacer, alerts, and the BullMQ worker that starts streams.
 */
export async function startWorkerRole(
  deps: WorkerRoleDeps,
): Promise<{ worker: Worker; credentials: () => CredentialsState }> {
  const { config, log, mode, rules, metrics, closers } = deps;
  const workerConnection = createWorkerConnection(mode, log);
  closers.push(() => quit(workerConnection));
  const workerQueue = createStartQueue(
    workerConnection,
    config.redis.queuePrefix,
    log,
    config.logRepeatIntervalMs,
  );
  closers.push(() => workerQueue.close());
  const { dispatcher, tokens, pacer, zoom } = createZoomStack(config, workerConnection, log, {
    onFetch: metrics.tokenFetch,
    onAnswer: metrics.zoomAnswer,
  });
  // Closed after the worker (closers run in reverse): a call still in flight then belongs to a
  // job that SHUTDOWN_TIMEOUT_MS abandoned, so it is cut off instead of awaited.
  closers.push(() => dispatcher.destroy());
  if ((await tokens.verify()) === 'accepted') log.info('zoom credentials accepted');
  let alert: ((a: Alert) => Promise<unknown>) | undefined;
  if (config.alertWebhookUrl) {
    const alertQueue = createAlertQueue(
      workerConnection,
      config.redis.queuePrefix,
      log,
      config.logRepeatIntervalMs,
    );
    closers.push(() => alertQueue.close());
    const alertWorker = createAlertWorker({
      connection: workerConnection,
      prefix: config.redis.queuePrefix,
      url: config.alertWebhookUrl,
      dispatcher,
      timeoutMs: config.zoom.httpTimeoutMs,
      log: log.child({ component: 'alerts' }),
      logRepeatIntervalMs: config.logRepeatIntervalMs,
    });
    closers.push(() => alertWorker.close());
    alert = (a) => enqueueAlert(alertQueue, a);
  }
  const w = createStartWorker({
    connection: workerConnection,
    prefix: config.redis.queuePrefix,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    log: log.child({ component: 'worker' }),
    logRepeatIntervalMs: config.logRepeatIntervalMs,
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
    }),
  });
  metrics.watchWorker(w);
  closers.push(() => closeWorker(w, config.worker.shutdownTimeoutMs, log));
  const reconcile = await startReconciliation({
    config,
    connection: workerConnection,
    queue: workerQueue,
    dispatcher,
    tokens,
    alert,
    rules: rules.current,
    metrics,
    log: log.child({ component: 'reconcile' }),
  });
  closers.push(() => reconcile.close());
  return { worker: w, credentials: () => tokens.credentials() };
}

/** Lets in-flight Zoom calls finish, but not forever: then the job is left to stall recovery. */
async function closeWorker(worker: Worker, timeoutMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (r) => (timer = setTimeout(() => r('timeout'), timeoutMs)),
  );
  const closing = worker.close();
  const result = await Promise.race([closing, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    log.warn(
      { timeoutMs },
      'in-flight jobs did not finish in time; another worker will pick them up',
    );
    // Stop waiting. BullMQ's close(true) would return the close already under way, which waits
    // for the jobs; the Zoom calls are cut off next, and the close then completes on its own.
    closing.catch(() => undefined);
  }
}
