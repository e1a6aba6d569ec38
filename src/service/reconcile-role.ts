import type { Alert } from '../alerts/alerts';
import { createStartQueues } from '../queue/start-queues';
import { createAccountRules } from '../reconcile/account-rules';
import { createAccountZoomSource } from '../reconcile/account-zoom';
import { startReconciliation } from '../reconcile/start-reconciliation';
import type { RedisConnection } from '../redis/connect';
import type { ZoomStack } from '../zoom/zoom-stack';
import type { AccountRegistry } from '../accounts/account-registry';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { createMetrics } from '../metrics/metrics';
import type { RulesStore } from '../policy/rules-store';
import type { Tracing } from '../telemetry/tracing';
import type { Closer } from './shutdown';

/** What the sweep takes of the worker role's own dependencies. */
export interface ReconcileRoleDeps {
  config: Config;
  accounts: AccountRegistry;
  log: Logger;
  rules: RulesStore;
  metrics: ReturnType<typeof createMetrics>;
  closers: Closer[];
  tracing: Tracing;
  env?: Record<string, string | undefined>;
}

/**
 * The worker's sweep over every account: the start queues of every shard (on the worker's
 * connection), each account's Zoom side and rules, and the reconcile runner, each registered to
 * close after the sweep has stopped.
 */
export async function startReconcileRole(
  deps: ReconcileRoleDeps,
  connection: RedisConnection,
  zoomStack: Pick<ZoomStack, 'dispatcher' | 'tokens'>,
  alert: ((a: Alert) => Promise<unknown>) | undefined,
): Promise<void> {
  const { config, log, metrics, closers, tracing } = deps;
  const queues = createStartQueues({
    connection,
    prefix: config.redis.queuePrefix,
    shards: config.redis.queueShards,
    log,
    logRepeatIntervalMs: config.logRepeatIntervalMs,
    ...(tracing.bullmq && { telemetry: tracing.bullmq }),
  });
  closers.push({ name: 'sweep start queues', close: () => queues.close() });
  const rules = createAccountRules(
    { file: config.livestream.rulesFile, current: deps.rules.current },
    deps.env ?? {},
    log.child({ component: 'rules' }),
  );
  deps.accounts.onChange(() => rules.reload());
  const reconcile = await startReconciliation({
    config,
    connection,
    accounts: deps.accounts,
    queues,
    dispatcher: zoomStack.dispatcher,
    zoomFor: createAccountZoomSource({
      config,
      redis: connection,
      dispatcher: zoomStack.dispatcher,
      defaultTokens: zoomStack.tokens,
      log,
      onFetch: metrics.tokenFetch,
      tracing,
    }),
    rulesFor: (account) => rules.rulesFor(account),
    alert,
    metrics,
    log: log.child({ component: 'reconcile' }),
    tracing,
  });
  closers.push({ name: 'reconcile sweep', close: reconcile.close, abort: reconcile.abort });
}
