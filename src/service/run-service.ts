import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runsReceiver, runsWorker, type Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { createStartQueue, enqueueStart, recordInstanceFact } from '../queue/start-queue';
import { describeMode, type ConnectMode } from '../redis/connect';
import { createProducerConnection, quit, waitForRedis } from '../redis/connections';
import { replicatedWrite } from '../redis/replication';
import type { SupervisedRedis } from '../redis/redis-supervisor';
import { createWebhookRouter } from '../webhook/webhook-router';
import { createRulesStore, type RulesStore } from '../policy/rules-store';
import { noTracing, type Tracing } from '../telemetry/tracing';
import { createDashboardRouter } from '../dashboard/dashboard-router';
import { createConsoleRouter } from '../console/console-router';
import { openZoom } from '../console/open-zoom';
import { createMetrics } from '../metrics/metrics';
import { createMetricsRouter } from '../metrics/metrics-router';
import { createApp } from './create-app';
import { listenWithLimits } from './http-limits';
import { createReadiness } from './readiness';
import { startWorkerRole } from './worker-role';
import { assertNoEviction } from './redis-policy';
import { startOwnRedis } from './own-redis';
import { closeWithin, disconnectNow, type Closer, type ShutdownResult } from './shutdown';

export interface RunningService {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The standalone Redis (`REDIS_URL` or the embedded one); undefined in Sentinel and Cluster modes. */
  redisUrl: string | undefined;
  /** Re-reads the rules file (SIGHUP); an invalid file keeps the rules in force. */
  reloadRules(): void;
  /**
   * Stops accepting, finishes in-flight requests and Zoom calls, closes Redis: all within
   * `SHUTDOWN_TIMEOUT_MS`, then cuts off what is still open (`clean: false`).
   */
  close(): Promise<ShutdownResult>;
  /** Resolves with the reason when the service cannot go on: its embedded Redis gave up. */
  failed: Promise<string>;
}

/**
 * Starts the roles `config.role` asks for: the webhook receiver, the start worker, or both, plus
 * `/healthz` and `/readyz` on every role. Starts the embedded Redis when `REDIS_URL` is unset.
 * `tracing` (default: none) traces the webhook, the enqueue, each attempt and each Zoom call.
 */
export async function runService(
  config: Config,
  log: Logger,
  /** For `${VAR}` references in the rules file. */
  env: Record<string, string | undefined> = {},
  tracing: Tracing = noTracing,
): Promise<RunningService> {
  const closers: Closer[] = [];
  const closeAll = () => closeWithin(closers, config.worker.shutdownTimeoutMs, log);
  try {
    // Checked before anything starts: a bad rules file (exit 78) costs no Redis start-up.
    const rules: RulesStore | undefined = runsWorker(config.role)
      ? createRulesStore(config.livestream.rulesFile, env, log.child({ component: 'rules' }))
      : undefined;
    let embedded: SupervisedRedis | undefined;
    const configured = config.redis.mode;
    if (configured.kind === 'standalone' && configured.url === undefined) {
      embedded = await startOwnRedis(config, env, log, closers);
    }
    const mode: ConnectMode =
      configured.kind === 'standalone'
        ? { ...configured, url: configured.url ?? embedded!.url }
        : configured;
    const redisUrl = mode.kind === 'standalone' ? mode.url : undefined;
    const producer = createProducerConnection(mode, log, config.webhook.redisBudgetMs);
    closers.push({
      name: 'receiver redis connection',
      close: () => quit(producer),
      abort: () => producer.disconnect(),
    });
    await assertNoEviction(await waitForRedis(producer, log));
    log.info(describeMode(mode), 'redis connected');
    const queue = createStartQueue(
      producer,
      config.redis.queuePrefix,
      log,
      config.logRepeatIntervalMs,
      tracing.bullmq,
    );
    closers.push({ name: 'queue', close: () => queue.close(), abort: disconnectNow(queue) });
    await queue.waitUntilReady();

    const replicated = <T>(write: () => Promise<T>): Promise<T> =>
      replicatedWrite(write, {
        connection: producer,
        key: queue.toKey(''),
        replicas: config.redis.minReplicasAck,
        budgetMs: config.webhook.redisBudgetMs,
      });
    const metrics = createMetrics();
    metrics.watchQueue(queue);
    const routers = [createMetricsRouter(metrics)];
    if (config.admin) {
      routers.push(createDashboardRouter(queue, config.admin.username, config.admin.password));
      routers.push(
        createConsoleRouter({
          queue,
          ...config.admin,
          csrfSecret: config.console.csrfSecret,
          attentionAfterMs: config.console.attentionAfterMs,
          log,
          // Stopping a stream needs the Zoom credentials, which only a role that runs the worker has.
          ...(rules && { openZoom: () => openZoom(config, producer, log, tracing) }),
        }),
      );
    }
    if (runsReceiver(config.role)) {
      routers.push(
        createWebhookRouter({
          secrets: config.webhook.secrets,
          toleranceSeconds: config.webhook.toleranceSeconds,
          bodyLimitBytes: config.webhook.bodyLimitBytes,
          storeTimeoutMs: config.webhook.redisBudgetMs,
          jobs: {
            enqueueStart: (data) => replicated(() => enqueueStart(queue, data)),
            recordFact: (kind, uuid, fact, at) =>
              replicated(() => recordInstanceFact(queue, kind, uuid, fact, at)),
          },
          log: log.child({ component: 'webhook' }),
          onOutcome: metrics.webhook,
          tracing,
        }),
      );
    }

    const workerRole = rules
      ? await startWorkerRole({ config, log, mode, rules, metrics, closers, tracing })
      : undefined;
    const worker = workerRole?.worker;
    const credentials = workerRole?.credentials;

    const readiness = createReadiness({
      redis: producer,
      keyPrefix: config.redis.queuePrefix,
      checkIntervalMs: config.redis.checkIntervalMs,
      timeoutMs: 1000,
      ...(credentials && { credentials }),
      ...(embedded && { embedded: embedded.state }),
      log: log.child({ component: 'readiness' }),
    });
    closers.push({ name: 'readiness checks', close: () => Promise.resolve(readiness.stop()) });
    metrics.watchReadiness(() => readiness.check());
    const app = createApp({
      log,
      ready: () => readiness.check(),
      ...(embedded && { embeddedRedis: embedded.state }),
      routers,
    });
    const server = await listenWithLimits(app, config.http.port, config.http.host, config.http);
    closers.push({
      name: 'HTTP server',
      close: () => closeServer(server),
      abort: () => server.closeAllConnections(),
    });
    const address = server.address() as AddressInfo;
    const host = address.address.includes(':') ? `[${address.address}]` : address.address;
    const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
    log.info(
      {
        role: config.role,
        url,
        concurrency: worker ? config.worker.concurrency : undefined,
      },
      'service started',
    );
    const store = rules;
    return {
      url,
      redisUrl,
      close: closeAll,
      reloadRules: () => store?.reload(),
      failed: embedded?.gaveUp ?? new Promise<string>(() => undefined),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeIdleConnections();
  });
}
