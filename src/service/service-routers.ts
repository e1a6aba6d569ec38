import type { Router } from 'express';
import type { AccountRegistry } from '../accounts/account-registry';
import { runsReceiver, type Config } from '../config/load-config';
import { createConsoleRouter } from '../console/console-router';
import { openZoom } from '../console/open-zoom';
import { createDashboardRouter } from '../dashboard/dashboard-router';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import { createMetricsRouter } from '../metrics/metrics-router';
import { createShardedJobs } from '../queue/replicated-enqueue';
import type { Tracing } from '../telemetry/tracing';
import { createWebhookRouter } from '../webhook/webhook-router';
import type { ServiceRedis } from './service-redis';

/**
 * The routers of the roles the service runs: metrics always; the dashboard and the console when
 * an admin is configured; the webhook receiver (a path per account, each account's starts in its
 * shard), storing through the replicated enqueue.
 */
export function serviceRouters(deps: {
  config: Config;
  /** The accounts served: each has its own webhook path and secrets. */
  accounts: AccountRegistry;
  log: Logger;
  redis: ServiceRedis;
  metrics: Metrics;
  /** Stopping a stream needs the Zoom credentials, which only a role that runs the worker has. */
  runsWorker: boolean;
  tracing: Tracing;
}): Router[] {
  const { config, log, metrics, tracing } = deps;
  const { queue, queues, producer } = deps.redis;
  const routers = [createMetricsRouter(metrics)];
  if (config.admin) {
    routers.push(createDashboardRouter(queue, config.admin.username, config.admin.password));
    routers.push(
      createConsoleRouter({
        queues: deps.redis.queues,
        accountNames: () => deps.accounts.names(),
        ...config.admin,
        csrfSecret: config.console.csrfSecret,
        attentionAfterMs: config.console.attentionAfterMs,
        log,
        ...(deps.runsWorker && { openZoom: () => openZoom(config, producer, log, tracing) }),
      }),
    );
  }
  if (runsReceiver(config.role)) {
    routers.push(
      createWebhookRouter({
        accounts: deps.accounts,
        toleranceSeconds: config.webhook.toleranceSeconds,
        bodyLimitBytes: config.webhook.bodyLimitBytes,
        storeTimeoutMs: config.webhook.redisBudgetMs,
        jobs: createShardedJobs(queues, {
          connection: producer,
          replicas: config.redis.minReplicasAck,
          budgetMs: config.webhook.redisBudgetMs,
        }),
        log: log.child({ component: 'webhook' }),
        onOutcome: metrics.webhook,
        tracing,
      }),
    );
  }
  return routers;
}
