import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { runsReceiver, runsWorker, type Config } from '../config/load-config';
import { createStartProcessor } from '../livestream/start-processor';
import { createStartWorker } from '../livestream/start-worker';
import type { Logger } from '../logging/create-logger';
import {
  createStartQueue,
  enqueueStart,
  readInstanceFacts,
  recordInstanceFact,
} from '../queue/start-queue';
import {
  createProducerConnection,
  createWorkerConnection,
  withDeadline,
} from '../redis/connections';
import { startEmbeddedRedis, type EmbeddedRedis } from '../redis/embedded-redis';
import { createWebhookRouter } from '../webhook/webhook-router';
import type { CredentialsState } from '../zoom/token-provider';
import { createZoomStack } from '../zoom/zoom-stack';
import { createAlertQueue, createAlertWorker, enqueueAlert, type Alert } from '../alerts/alerts';
import { createRulesStore, type RulesStore } from '../policy/rules-store';
import { createDashboardRouter } from '../dashboard/dashboard-router';
import { createMetrics } from '../metrics/metrics';
import { createMetricsRouter } from '../metrics/metrics-router';
import { createApp } from './create-app';
import { listenWithLimits } from './http-limits';
import { createReadiness } from './readiness';
import { assertNoEviction } from './redis-policy';

export interface RunningService {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  redisUrl: string;
  /** Re-reads the rules file (SIGHUP); an invalid file keeps the rules in force. */
  reloadRules(): void;
  /** Stops accepting, finishes in-flight requests and Zoom calls (bounded), closes Redis. */
  close(): Promise<void>;
}

/**
 * Starts the roles `config.role` asks for: the webhook receiver, the start worker, or both, plus
 * `/healthz` and `/readyz` on every role. Starts the embedded Redis when `REDIS_URL` is unset.
 */
export async function runService(
  config: Config,
  log: Logger,
  /** For `${VAR}` references in the rules file. */
  env: Record<string, string | undefined> = {},
): Promise<RunningService> {
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((err: Error) =>
        log.warn({ err: { message: err.message } }, 'error while closing'),
      );
    }
  };
  try {
    // Checked before anything starts: a bad rules file (exit 78) costs no Redis start-up.
    const rules: RulesStore | undefined = runsWorker(config.role)
      ? createRulesStore(config.livestream.rulesFile, env, log.child({ component: 'rules' }))
      : undefined;
    let embedded: EmbeddedRedis | undefined;
    if (config.redis.url === undefined) {
      embedded = await startEmbeddedRedis({ dataDir: config.redis.dataDir, env });
      closers.push(() => embedded!.stop());
      log.info(
        { port: embedded.port, dataDir: config.redis.dataDir, reused: !embedded.owned },
        'embedded redis started',
      );
    }
    const redisUrl = config.redis.url ?? embedded!.url;
    const producer = createProducerConnection(redisUrl, log, config.webhook.redisBudgetMs);
    closers.push(() => quit(producer));
    await assertNoEviction(await waitForRedis(producer, log));
    const queue = createStartQueue(producer, config.redis.queuePrefix, log);
    closers.push(() => queue.close());
    await queue.waitUntilReady();

    const metrics = createMetrics();
    metrics.watchQueue(queue);
    const routers = [createMetricsRouter(metrics)];
    if (config.admin)
      routers.push(createDashboardRouter(queue, config.admin.username, config.admin.password));
    if (runsReceiver(config.role)) {
      routers.push(
        createWebhookRouter({
          secrets: config.webhook.secrets,
          toleranceSeconds: config.webhook.toleranceSeconds,
          bodyLimitBytes: config.webhook.bodyLimitBytes,
          storeTimeoutMs: config.webhook.redisBudgetMs,
          jobs: {
            enqueueStart: (data) => enqueueStart(queue, data),
            recordFact: (kind, uuid, fact, at) => recordInstanceFact(queue, kind, uuid, fact, at),
          },
          log: log.child({ component: 'webhook' }),
          onOutcome: metrics.webhook,
        }),
      );
    }

    let worker: Worker | undefined;
    let credentials: (() => CredentialsState) | undefined;
    if (rules) {
      const workerConnection = createWorkerConnection(redisUrl, log);
      closers.push(() => quit(workerConnection));
      const workerQueue = createStartQueue(workerConnection, config.redis.queuePrefix, log);
      closers.push(() => workerQueue.close());
      const { dispatcher, tokens, pacer, zoom } = createZoomStack(config, workerConnection, log, {
        onFetch: metrics.tokenFetch,
        onAnswer: metrics.zoomAnswer,
      });
      // Closed after the worker (closers run in reverse): a call still in flight then belongs to a
      // job that SHUTDOWN_TIMEOUT_MS abandoned, so it is cut off instead of awaited.
      closers.push(() => dispatcher.destroy());
      credentials = () => tokens.credentials();
      if ((await tokens.verify()) === 'accepted') log.info('zoom credentials accepted');
      let alert: ((a: Alert) => Promise<unknown>) | undefined;
      if (config.alertWebhookUrl) {
        const alertQueue = createAlertQueue(workerConnection, config.redis.queuePrefix, log);
        closers.push(() => alertQueue.close());
        const alertWorker = createAlertWorker({
          connection: workerConnection,
          prefix: config.redis.queuePrefix,
          url: config.alertWebhookUrl,
          dispatcher,
          timeoutMs: config.zoom.httpTimeoutMs,
          log: log.child({ component: 'alerts' }),
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
      worker = w;
      metrics.watchWorker(w);
      closers.push(() => closeWorker(w, config.worker.shutdownTimeoutMs, log));
    }

    const readiness = createReadiness({
      redis: producer,
      keyPrefix: config.redis.queuePrefix,
      checkIntervalMs: config.redis.checkIntervalMs,
      timeoutMs: 1000,
      ...(credentials && { credentials }),
      log: log.child({ component: 'readiness' }),
    });
    closers.push(() => Promise.resolve(readiness.stop()));
    metrics.watchReadiness(() => readiness.check());
    const app = createApp({ log, ready: () => readiness.check(), routers });
    const server = await listenWithLimits(app, config.http.port, config.http.host, config.http);
    closers.push(() => closeServer(server));
    const address = server.address() as AddressInfo;
    const host = address.address.includes(':') ? `[${address.address}]` : address.address;
    const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
    log.info(
      { role: config.role, url, concurrency: worker ? config.worker.concurrency : undefined },
      'service started',
    );
    const store = rules;
    return { url, redisUrl, close: closeAll, reloadRules: () => store?.reload() };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** At start-up Redis may still be coming up (compose): wait up to 10 s for the connection. */
async function waitForRedis(redis: Redis, log: Logger): Promise<Redis> {
  if (redis.status === 'ready') return redis;
  const slow = setTimeout(() => log.info('waiting for redis'), 1000);
  try {
    await withDeadline(new Promise((ready) => redis.once('ready', ready)), 10_000);
  } catch {
    throw new Error('Redis did not answer within 10 s at start-up (check REDIS_URL)');
  } finally {
    clearTimeout(slow);
  }
  return redis;
}

async function quit(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
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

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeIdleConnections();
  });
}
