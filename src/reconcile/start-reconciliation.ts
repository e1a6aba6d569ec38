import type { Dispatcher } from 'undici';
import type { Account } from '../accounts/account-types';
import type { Alert } from '../alerts/alerts';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { Rule } from '../policy/rules';
import type { StartQueues } from '../queue/start-queues';
import type { RedisConnection } from '../redis/connect';
import type { Tracing } from '../telemetry/tracing';
import { createAccountSweeps } from './account-sweeps';
import type { AccountZoomSource } from './account-zoom';
import { createListClient, type ListClient } from './list-client';
import { startReconcileRunner } from './reconcile-runner';
import { ruleHosts } from './sweep';
import type { SweepReport } from './sweep-types';
import { createSweepSlots } from './sweep-slots';

/** What reconciliation reports as it works (the service passes its Prometheus metrics). */
export interface ReconcileMetrics {
  zoomAnswer: (endpoint: string, status: number | 'error') => void;
  startQueued: (source: 'reconcile') => void;
  sweep: (report: SweepReport, durationMs: number) => void;
}

export interface ReconciliationDeps {
  config: Pick<Config, 'reconcile' | 'zoom' | 'redis' | 'worker' | 'logRepeatIntervalMs'>;
  connection: RedisConnection;
  /** The accounts in force (the registry): each tick sweeps the accounts it names then. */
  accounts: { names(): string[]; get(name: string): Account | undefined };
  /** The start queues: the sweep adds an account's starts to its shard, like the webhook. */
  queues: Pick<StartQueues, 'forAccount'>;
  dispatcher: Dispatcher;
  /** Each account's token and pacing. */
  zoomFor: AccountZoomSource;
  /** Each account's rules. */
  rulesFor: (account: Account) => () => readonly Rule[];
  alert: ((alert: Alert) => Promise<unknown>) | undefined;
  metrics: ReconcileMetrics;
  log: Logger;
  /** Zoom's list calls are client spans of this; default: none. */
  tracing?: Tracing;
  /** Instead of Zoom's list endpoints at `ZOOM_API_BASE_URL` (tests: one Zoom per account). */
  listFor?: (account: Account) => ListClient | Promise<ListClient>;
}

/** The worker's reconciliation: each account's sweep (live meetings, then preflight) on one scheduler. */
export async function startReconciliation(deps: ReconciliationDeps) {
  const { config, log } = deps;
  const { reconcile } = config;
  if (reconcile.intervalMs > 0) logAccountsWithoutUsers(deps);
  let stopping = false;
  const sweepOf = createAccountSweeps({
    accounts: deps.accounts,
    listFor: deps.listFor ?? ((account) => accountListClient(deps, account)),
    queueFor: (account) => deps.queues.forAccount(account),
    rulesFor: deps.rulesFor,
    redis: deps.connection,
    preflightLeadMs: reconcile.preflightLeadMs,
    ...(deps.alert && { alert: deps.alert }),
    log,
    onReconciled: () => deps.metrics.startQueued('reconcile'),
    stopping: () => stopping,
  });
  const runner = await startReconcileRunner({
    connection: deps.connection,
    prefix: config.redis.queuePrefix,
    intervalMs: reconcile.intervalMs,
    accounts: () => deps.accounts.names(),
    sweepOf,
    log,
    shutdownTimeoutMs: config.worker.shutdownTimeoutMs,
    onSweep: (report, durationMs) => deps.metrics.sweep(report, durationMs),
    logRepeatIntervalMs: config.logRepeatIntervalMs,
  });
  return {
    close: () => {
      stopping = true;
      return runner.close();
    },
    abort: runner.abort,
  };
}

/** An account's list calls: its own token, and slots of its own pacer that starts do not need. */
async function accountListClient(deps: ReconciliationDeps, account: Account): Promise<ListClient> {
  const { config } = deps;
  const zoom = await deps.zoomFor(account);
  return createListClient({
    baseUrl: config.zoom.apiBaseUrl,
    dispatcher: deps.dispatcher,
    tokens: zoom.tokens,
    timeoutMs: config.zoom.httpTimeoutMs,
    ...(deps.tracing && { tracing: deps.tracing }),
    slot: createSweepSlots({
      pacer: zoom.sweepPacer,
      maxPerSecond: account.zoom.maxRequestsPerSecond,
    }),
    onAnswer: deps.metrics.zoomAnswer,
  });
}

/** Says which accounts the sweep has nobody to ask about (users from rules that name no hosts). */
function logAccountsWithoutUsers(deps: ReconciliationDeps): void {
  for (const name of deps.accounts.names()) {
    const account = deps.accounts.get(name);
    if (account?.reconcileUsers.kind !== 'rules') continue;
    if (ruleHosts(deps.rulesFor(account)()).length > 0) continue;
    deps.log.info(
      { account: name },
      'reconciliation has no users: RECONCILE_USERS is unset and no streaming rule names host_ids',
    );
  }
}
