import type { Tracing } from '../telemetry/tracing';
import type { RedisConnection } from '../redis/connect';
import type { Dispatcher } from 'undici';
import { createAlertQueue, createAlertWorker, enqueueAlert, type Alert } from '../alerts/alerts';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { workerCloser } from '../queue/worker-closer';
import { disconnectNow, type Closer } from './shutdown';

/**
 * With `ALERT_WEBHOOK_URL` set: the alert queue and the worker that posts each alert, over the
 * worker role's connection and Zoom's dispatcher. Returns how to raise an alert, or undefined.
 */
export function startAlerts(
  config: Config,
  connection: RedisConnection,
  dispatcher: Dispatcher,
  log: Logger,
  closers: Closer[],
  tracing: Tracing,
): ((a: Alert) => Promise<unknown>) | undefined {
  if (!config.alertWebhookUrl) return undefined;
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
    url: config.alertWebhookUrl,
    dispatcher,
    timeoutMs: config.zoom.httpTimeoutMs,
    log: log.child({ component: 'alerts' }),
    logRepeatIntervalMs: config.logRepeatIntervalMs,
    tracing,
  });
  closers.push({ name: 'alert worker', ...workerCloser(alertWorker) });
  return (a) => enqueueAlert(alertQueue, a);
}
