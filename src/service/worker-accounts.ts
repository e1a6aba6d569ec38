import type { Dispatcher } from 'undici';
import type { AccountRegistry } from '../accounts/account-registry';
import { createAccountSides, type AccountSides } from '../livestream/account-sides';
import type { Logger } from '../logging/create-logger';
import { createRulesBook, type RulesBook } from '../policy/rules-book';
import { wakeDelayedStarts } from '../queue/account-starts';
import type { StartQueues } from '../queue/start-queues';
import type { RedisConnection } from '../redis/connect';
import type { AccountAlerts } from './alert-role';
import type { Config } from '../config/load-config';
import type { Metrics } from '../metrics/metrics';
import type { RulesStore } from '../policy/rules-store';
import type { Tracing } from '../telemetry/tracing';

/** What the accounts' sides need of the worker role. */
export interface SidesDeps {
  config: Config;
  accounts: AccountRegistry;
  log: Logger;
  /** The rules of `LIVESTREAM_RULES_FILE`. */
  rules: RulesStore;
  metrics: Pick<Metrics, 'tokenFetch' | 'zoomAnswer'>;
  tracing: Tracing;
  env?: Record<string, string | undefined>;
}

/**
 * Each account's side for the worker: its Zoom token, pacer and client over the worker's
 * connection and the shared dispatcher, its rules (one store per distinct rules file, seeded with
 * `LIVESTREAM_RULES_FILE`'s) and its alerts; its Zoom calls and token fetches counted under its name.
 */
export function openAccountSides(
  deps: SidesDeps,
  connection: RedisConnection,
  dispatcher: Dispatcher,
  queues: StartQueues,
  alerts: AccountAlerts | undefined,
): { sides: AccountSides; rules: RulesBook } {
  const { config, log, metrics, tracing, accounts } = deps;
  const rules = createRulesBook(deps.env ?? {}, log.child({ component: 'rules' }), {
    file: config.livestream.rulesFile,
    store: deps.rules,
  });
  accounts.onChange((_, set) => rules.retain(set.accounts.map((a) => a.rulesFile)));
  const sides = createAccountSides({
    config,
    accounts,
    redis: connection,
    dispatcher,
    shardMap: queues.shardMap,
    rules,
    alerts,
    hooks: (name) => ({
      onFetch: (outcome) => metrics.tokenFetch(outcome, name),
      onAnswer: (endpoint, status) => metrics.zoomAnswer(endpoint, status, name),
    }),
    log,
    tracing,
  });
  return { sides, rules };
}

/**
 * After a reload: added and changed accounts' credentials are checked now (readiness shows a bad
 * new secret at once), a removed account's delayed starts are woken so each is cancelled now
 * ("account removed"), and a shard another process placed an account in gets a worker.
 */
export function followReloads(
  accounts: AccountRegistry,
  sides: AccountSides,
  queues: StartQueues,
  consumeNewShards: () => Promise<void>,
  log: Logger,
): void {
  accounts.onChange(({ added, removed, changed }) => {
    void sides.verify([...added, ...changed]);
    void consumeNewShards().catch((err: Error) =>
      log.error({ err: { message: err.message } }, 'new shards not consumed'),
    );
    for (const account of removed)
      void Promise.all(queues.opened().map((q) => wakeDelayedStarts(q, account))).then(
        (counts) =>
          log.info(
            { account, woken: counts.reduce((a, b) => a + b, 0) },
            'account removed: its waiting starts are cancelled now',
          ),
        (err: Error) =>
          log.error({ account, err: { message: err.message } }, 'removed account not woken'),
      );
  });
}
