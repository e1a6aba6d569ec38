import { runsWorker, type Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { createAccountRegistry, type AccountRegistry } from '../accounts/account-registry';
import { loadAccounts } from '../accounts/load-accounts';
import { createMetrics, type Metrics } from '../metrics/metrics';
import { createRulesStore, type RulesStore } from '../policy/rules-store';
import { noTracing, type Tracing } from '../telemetry/tracing';
import { createApp } from './create-app';
import { createReadiness, type AccountCredentials, type Readiness } from './readiness';
import { serveHttp } from './serve-http';
import { connectServiceRedis, type ServiceRedis } from './service-redis';
import { serviceRouters } from './service-routers';
import { closeWithin, type Closer, type ShutdownResult } from './shutdown';
import { startWorkerRole } from './worker-role';

export interface RunningService {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The standalone Redis (`REDIS_URL` or the embedded one); undefined in Sentinel and Cluster modes. */
  redisUrl: string | undefined;
  /**
   * SIGHUP: re-reads the rules file and the accounts file; an invalid file keeps what is in force.
   */
  reloadRules(): void;
  /** The accounts this process serves (reloaded with the rules). */
  accounts: AccountRegistry;
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
    const accounts = createAccountRegistry(
      loadAccounts(config, env),
      () => loadAccounts(config, env),
      log.child({ component: 'accounts' }),
    );
    const rules: RulesStore | undefined = runsWorker(config.role)
      ? createRulesStore(config.livestream.rulesFile, env, log.child({ component: 'rules' }))
      : undefined;
    const redis = await connectServiceRedis(config, env, log, closers, tracing);
    const metrics = createMetrics();
    metrics.watchStarts({ queues: () => redis.queues.all(), accounts: () => accounts.names() });
    const routers = serviceRouters({
      config,
      accounts,
      log,
      redis,
      metrics,
      runsWorker: rules !== undefined,
      tracing,
    });
    const workerRole = rules
      ? await startWorkerRole({
          config,
          accounts,
          log,
          mode: redis.mode,
          rules,
          metrics,
          closers,
          tracing,
          env,
        })
      : undefined;
    const credentials = workerRole && (() => workerRole.credentials());
    if (credentials) metrics.watchCredentials(credentials);
    const readiness = startReadiness(config, log, redis, metrics, closers, credentials);
    const app = createApp({
      log,
      ready: () => readiness.check(),
      ...(redis.embedded && { embeddedRedis: redis.embedded.state }),
      routers,
    });
    const url = await serveHttp(app, config, closers);
    const concurrency = workerRole ? config.worker.concurrency : undefined;
    log.info({ role: config.role, url, concurrency }, 'service started');
    return {
      url,
      redisUrl: redis.redisUrl,
      close: closeAll,
      reloadRules: () => {
        // The accounts first: the rules files they no longer name are not read again.
        try {
          accounts.reload();
        } finally {
          workerRole?.reloadRules();
        }
      },
      accounts,
      failed: redis.embedded?.gaveUp ?? new Promise<string>(() => undefined),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** `/readyz` and the readiness gauge: Redis, the embedded Redis, and (workers) Zoom's credentials. */
function startReadiness(
  config: Config,
  log: Logger,
  redis: ServiceRedis,
  metrics: Metrics,
  closers: Closer[],
  credentials: (() => AccountCredentials[]) | undefined,
): Readiness {
  const readiness = createReadiness({
    redis: redis.producer,
    keyPrefix: config.redis.queuePrefix,
    checkIntervalMs: config.redis.checkIntervalMs,
    timeoutMs: 1000,
    ...(credentials && { credentials }),
    ...(redis.embedded && { embedded: redis.embedded.state }),
    log: log.child({ component: 'readiness' }),
  });
  closers.push({ name: 'readiness checks', close: () => Promise.resolve(readiness.stop()) });
  metrics.watchReadiness(() => readiness.check());
  return readiness;
}
