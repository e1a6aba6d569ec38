import type { AccountRegistry } from '../accounts/account-registry';
import type { Config } from '../config/load-config';
import { DEFAULT_ACCOUNT } from '../domain/account';
import type { AccountSides } from '../livestream/account-sides';
import type { Logger } from '../logging/create-logger';
import type { createMetrics } from '../metrics/metrics';
import type { RulesBook } from '../policy/rules-book';
import { shardPrefix } from '../queue/shards';
import type { StartQueues } from '../queue/start-queues';
import { createAccountZoomSource } from '../reconcile/account-zoom';
import { startReconciliation } from '../reconcile/start-reconciliation';
import type { RedisConnection } from '../redis/connect';
import type { Tracing } from '../telemetry/tracing';
import type { createZoomDispatcher } from '../zoom/http';
import { accountKeyPrefix } from '../zoom/zoom-stack';
import type { AccountAlerts } from './alert-role';
import type { Closer } from './shutdown';

/** What the sweep takes of the worker role. */
export interface ReconcileRoleDeps {
  config: Config;
  accounts: AccountRegistry;
  log: Logger;
  metrics: ReturnType<typeof createMetrics>;
  closers: Closer[];
  tracing: Tracing;
}

/** The worker's own parts the sweep shares: so an account's list calls and starts are one account. */
export interface WorkerParts {
  connection: RedisConnection;
  queues: StartQueues;
  dispatcher: ReturnType<typeof createZoomDispatcher>;
  sides: AccountSides;
  rules: RulesBook;
  alerts: AccountAlerts | undefined;
}

/**
 * The worker's sweep over every account, on the worker's own parts: each account's token (the
 * one its starts use), its pacing slots (the same keys), its rules and its alert endpoint; the
 * starts it queues go to the account's shard. Registered to close after the start workers.
 */
export async function startReconcileRole(
  deps: ReconcileRoleDeps,
  parts: WorkerParts,
): Promise<void> {
  const { config, log, metrics, closers, tracing } = deps;
  const { connection, queues, sides, rules, alerts } = parts;
  const reconcile = await startReconciliation({
    config,
    connection,
    accounts: deps.accounts,
    queues,
    dispatcher: parts.dispatcher,
    zoomFor: createAccountZoomSource({
      tokensOf: async (name) => (await sides.get(name))?.tokens,
      pacerPrefixOf: async (name) =>
        accountKeyPrefix(
          shardPrefix(config.redis.queuePrefix, await queues.shardMap.shardOf(name)),
          name,
        ),
      redis: connection,
    }),
    rulesFor: (account) => rules.forFile(account.rulesFile),
    alert: alerts && ((a) => alerts(a.account ?? DEFAULT_ACCOUNT)?.(a) ?? Promise.resolve()),
    metrics,
    log: log.child({ component: 'reconcile' }),
    tracing,
  });
  closers.push({ name: 'reconcile sweep', close: reconcile.close, abort: reconcile.abort });
}
