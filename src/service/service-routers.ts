import type { Router } from 'express';
import type { AccountRegistry } from '../accounts/account-registry';
import { runsReceiver, type Config } from '../config/load-config';
import { createConsoleRouter } from '../console/console-router';
import { openAccountZoom } from '../operator/account-zoom';
import { DEFAULT_ACCOUNT } from '../domain/account';
import { createDashboardRouter } from '../dashboard/dashboard-router';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import { createMetricsRouter } from '../metrics/metrics-router';
import { createShardedJobs } from '../queue/replicated-enqueue';
import type { Tracing } from '../telemetry/tracing';
import { createWebhookRouter } from '../webhook/webhook-router';
import type { ServiceRedis } from './service-redis';

/**
 * The routers of the roles the service runs: metrics always; the dashboard when an admin is
 * configured; the console when an admin is or an accounts file (with its console users) is; the
 * webhook receiver (a path per account, each account's starts in its shard), storing through the
 * replicated enqueue.
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
  if (config.admin)
    // Bull Board shows every account's jobs and raw data: the admin's alone.
    routers.push(createDashboardRouter(queue, config.admin.username, config.admin.password));
  if (config.admin || config.accountsFile !== undefined) {
    const { accounts } = deps;
    routers.push(
      createConsoleRouter({
        queues: deps.redis.queues,
        ...config.admin,
        consoleUsers: () => accounts.current().consoleUsers,
        accountNames: () => accounts.names(),
        csrfSecret: config.console.csrfSecret,
        attentionAfterMs: config.console.attentionAfterMs,
        log,
        ...(deps.runsWorker && {
          openZoom: async (name = DEFAULT_ACCOUNT) => {
            const account = accounts.get(name);
            if (!account) throw new Error(`account ${name} is not served`);
            return openAccountZoom(
              config,
              account,
              producer,
              deps.redis.queues.shardMap,
              log,
              tracing,
            );
          },
        }),
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
