import type { Worker } from 'bullmq';
import type { AccountRegistry } from '../accounts/account-registry';
import type { Config } from '../config/load-config';
import { accountOf, DEFAULT_ACCOUNT } from '../domain/account';
import type { InstanceFacts } from '../domain/instance-facts';
import { createAccountDispatch, type StartProcessor } from '../livestream/account-dispatch';
import type { AccountSide } from '../livestream/account-sides';
import { accountSlotLimit, withAccountSlots } from '../livestream/account-slots';
import { createStartProcessor } from '../livestream/start-processor';
import type { Logger } from '../logging/create-logger';
import type { createMetrics } from '../metrics/metrics';
import type { RulesStore } from '../policy/rules-store';
import { createStartQueues } from '../queue/start-queues';
import type { ConnectMode } from '../redis/connect';
import { createWorkerConnection, quit } from '../redis/connections';
import type { Tracing } from '../telemetry/tracing';
import { createZoomDispatcher } from '../zoom/http';
import { startAlerts } from './alert-role';
import { startReconcileRole } from './reconcile-role';
import type { AccountCredentials } from './readiness';
import { shardConcurrency, startShardWorkers } from './shard-workers';
import { followReloads, openAccountSides } from './worker-accounts';
import { disconnectNow, type Closer } from './shutdown';

export interface WorkerRoleDeps {
  config: Config;
  /** The accounts served: each has its own Zoom credentials, pacing, rules and alerts. */
  accounts: AccountRegistry;
  log: Logger;
  mode: ConnectMode;
  /** The rules of `LIVESTREAM_RULES_FILE` (every account without a `rules_file` of its own). */
  rules: RulesStore;
  metrics: ReturnType<typeof createMetrics>;
  /** Where each started part registers its close (run in reverse order). */
  closers: Closer[];
  tracing: Tracing;
  /** For `${VAR}` references in the accounts' rules files. */
  env?: Record<string, string | undefined>;
}

export interface WorkerRole {
  /** One BullMQ worker per shard queue. */
  workers(): Worker[];
  /** What Zoom last said of each account's credentials (readiness). */
  credentials(): AccountCredentials[];
  /** SIGHUP: re-reads every rules file in use (the accounts are reloaded by their registry). */
  reloadRules(): void;
}

/**
 * The worker role: its patient Redis connection, each account's Zoom side (token shared through
 * Redis, pacer, rules, alerts), and a BullMQ worker on every shard whose one processor hands each
 * job to its account.
 */
export async function startWorkerRole(deps: WorkerRoleDeps): Promise<WorkerRole> {
  const { config, log, metrics, closers, tracing, accounts } = deps;
  const redis = openWorkerRedis(deps);
  const dispatcher = createZoomDispatcher(config.zoom.httpTimeoutMs);
  // Closed after the workers (closers run in reverse): a call still in flight then belongs to a
  // job that SHUTDOWN_TIMEOUT_MS abandoned, so it is cut off instead of awaited.
  const cutZoomCalls = () => dispatcher.destroy();
  closers.push({ name: 'Zoom calls', close: cutZoomCalls, abort: cutZoomCalls });
  const { workerConnection: connection } = redis;
  const alerts = startAlerts(config, accounts, connection, dispatcher, log, closers, tracing);
  const { sides, rules } = openAccountSides(deps, connection, dispatcher, redis.queues, alerts);
  await sides.verify(accounts.names());
  const workerLog = log.child({ component: 'worker' });
  const dispatch = createAccountDispatch({
    sides,
    compose: (side, facts) => composeProcessor(deps, side, facts),
    log: workerLog,
  });
  const shards = await startShardWorkers({
    config,
    connection,
    queues: redis.queues,
    // An account's starts all sit in its one shard, so each shard's worker caps how many of its
    // slots one account holds: a backlog never fills every slot (see `withAccountSlots`).
    processorFor: (queue) =>
      withAccountSlots(dispatch(queue), {
        perAccount: () =>
          accountSlotLimit(
            shardConcurrency(config),
            accounts.names().length,
            config.worker.slotsPerAccount,
          ),
      }),
    // The label is a registry name: job data naming no account in force counts as `unknown`.
    onWorker: (w) =>
      metrics.watchWorker(w, (job) => {
        const name = job ? accountOf(job.data as { account?: string }) : DEFAULT_ACCOUNT;
        return accounts.get(name) ? name : 'unknown';
      }),
    log: workerLog,
    tracing,
  });
  followReloads(accounts, sides, redis.queues, () => shards.consumeNewShards(), workerLog);
  await startReconcileRole(deps, {
    connection,
    queues: redis.queues,
    dispatcher,
    sides,
    rules,
    alerts,
  });
  // Registered last, so closed first: starts in flight come before a sweep.
  closers.push({
    name: 'start worker (jobs in flight are taken up again by another worker)',
    // Cut off, the Zoom calls are cut next; the job's lock lapses and stall recovery hands it on.
    ...shards.closer,
  });
  return {
    workers: () => shards.workers(),
    credentials: () => sides.credentials(),
    reloadRules: () => rules.reload(),
  };
}

/**
 * The processor of one account's starts: the one place where it is composed from the account's
 * Zoom side, rules and alerts, and the facts of the job's own shard.
 */
function composeProcessor(
  deps: WorkerRoleDeps,
  side: AccountSide,
  facts: (jobId: string) => Promise<InstanceFacts>,
): StartProcessor {
  const { config, log, metrics, tracing } = deps;
  return createStartProcessor({
    zoom: side.zoom,
    // Over the worker's own connection, which waits out a Redis outage: a blip must never
    // turn into an error that BullMQ counts as an attempt.
    facts,
    rules: side.rules,
    // A slot beyond the inline wait is reserved; the job waits for it in the delayed set.
    reserveSlot: (reserved) => side.pacer.acquire({ reserveAhead: true, reserved }),
    // Zoom's account-level 429 holds this account's calls only.
    pauseZoomCalls: side.pacer.pause,
    ...(side.alert && { alert: side.alert }),
    policy: config.livestream,
    settings: config.livestream.settings,
    log: log.child({ component: 'worker', account: side.name }),
    onDecision: (decision, data) =>
      metrics.decision(decision, data.receivedAt, Date.now(), side.name),
    tracing,
  });
}

/** The worker's own patient connection (it waits out a Redis outage) and its view of the shards. */
function openWorkerRedis(deps: WorkerRoleDeps) {
  const { config, log, closers, tracing } = deps;
  const workerConnection = createWorkerConnection(deps.mode, log);
  closers.push({
    name: 'worker redis connection',
    close: () => quit(workerConnection),
    abort: () => workerConnection.disconnect(),
  });
  const queues = createStartQueues({
    connection: workerConnection,
    prefix: config.redis.queuePrefix,
    shards: config.redis.queueShards,
    log,
    logRepeatIntervalMs: config.logRepeatIntervalMs,
    ...(tracing.bullmq && { telemetry: tracing.bullmq }),
  });
  closers.push({
    name: 'worker queues',
    close: () => queues.close(),
    abort: () => queues.opened().forEach((q) => disconnectNow(q)()),
  });
  return { workerConnection, queues };
}
