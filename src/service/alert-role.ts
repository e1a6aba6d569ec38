import type { Tracing } from '../telemetry/tracing';
import type { RedisConnection } from '../redis/connect';
import type { Dispatcher } from 'undici';
import type { AccountRegistry } from '../accounts/account-registry';
import { createAlertQueue, createAlertWorker, enqueueAlert, type Alert } from '../alerts/alerts';
import type { Config } from '../config/load-config';
import { accountOf } from '../domain/account';
import type { Logger } from '../logging/create-logger';
import { workerCloser } from '../queue/worker-closer';
import { disconnectNow, type Closer } from './shutdown';

/** How to raise an alert about one account, or undefined when it has no alert endpoint. */
export type AccountAlerts = (account: string) => ((a: Alert) => Promise<unknown>) | undefined;

/**
 * One alert queue and the worker that posts each alert to its account's `alert_webhook_url`
 * (`ALERT_WEBHOOK_URL` for the default account), read from the registry when it is delivered, so
 * the URL is never stored in Redis and a reload changes it. Runs when some account has an
 * endpoint, or with an accounts file (a reload may add one); returns undefined otherwise.
 */
export function startAlerts(
  config: Config,
  accounts: AccountRegistry,
  connection: RedisConnection,
  dispatcher: Dispatcher,
  log: Logger,
  closers: Closer[],
  tracing: Tracing,
): AccountAlerts | undefined {
  const urlOf = (account: string) => accounts.get(account)?.alertWebhookUrl;
  const anyUrl = accounts.names().some((name) => urlOf(name) !== undefined);
  if (!anyUrl && config.accountsFile === undefined) return undefined;
  const { queuePrefix } = config.redis;
  const alertQueue = createAlertQueue(connection, queuePrefix, log, config.logRepeatIntervalMs);
  closers.push({
    name: 'alert queue',
    close: () => alertQueue.close(),
    abort: disconnectNow(alertQueue),
  });
  const alertWorker = createAlertWorker({
    connection,
    prefix: queuePrefix,
    url: (alert) => urlOf(accountOf(alert)),
    dispatcher,
    timeoutMs: config.zoom.httpTimeoutMs,
    log: log.child({ component: 'alerts' }),
    logRepeatIntervalMs: config.logRepeatIntervalMs,
    tracing,
  });
  closers.push({ name: 'alert worker', ...workerCloser(alertWorker) });
  return (account) =>
    urlOf(account) === undefined ? undefined : (a) => enqueueAlert(alertQueue, { ...a, account });
}
