import { Queue, Worker } from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import type { Dispatcher } from 'undici';
import type { Logger } from '../logging/create-logger';
import { createLogThrottle } from '../logging/log-throttle';
import type { EventKind } from '../domain/start-job';
import { sendOnce } from '../zoom/http';
import { printable } from '../domain/plain-text';
import type { AlertType } from '../domain/alert-type';
import type { Tracing } from '../telemetry/tracing';
import { DEFAULT_ACCOUNT } from '../domain/account';

export const ALERT_QUEUE = 'alerts';

/** What an operator needs to act: which meeting, what went wrong, Zoom's code, how hard we tried. */
export interface Alert {
  type: AlertType;
  kind: EventKind;
  meetingId: string;
  topic: string | undefined;
  reason: string;
  zoomCode: number | undefined;
  attempts: number;
  jobId: string;
  at: string;
  /** Alerts about the deployment, not one meeting: one per type and key (instead of per job). */
  key?: string;
  /**
   * The account the alert is about; it decides where the alert goes (its `alert_webhook_url`).
   * Absent in alerts queued before accounts existed: the default account's.
   */
  account?: string;
}

const HEADLINES: Record<AlertType, string> = {
  start_failed: 'Livestream start failed',
  gave_up: 'Livestream start gave up at its deadline',
  confirmation_missing: 'Livestream not confirmed live',
  zoom_unavailable: 'Zoom unavailable, still retrying the livestream start',
  webhook_missed:
    'No meeting.started webhook: the sweep found the meeting live and is starting its stream',
  preflight_failed: 'Upcoming meeting cannot stream',
  credentials_rejected:
    'Zoom rejected the app credentials: every start waits and retries until fixed (first seen)',
};

/** Raised before any start attempt: the text counts no attempts. */
const WITHOUT_ATTEMPTS: ReadonlySet<AlertType> = new Set([
  'webhook_missed',
  'preflight_failed',
  'credentials_rejected',
]);

/**
 * Slack-compatible `text` plus the structured fields. The topic (any host picks it) and Zoom's
 * message reach `text`, which Slack reads as markup: `&`, `<` and `>` are escaped there, so
 * `<!channel>` or `<https://…|Click>` in a topic stays text. In `text` and in the `topic` and
 * `reason` fields alike, control characters and escape sequences are removed and breaks become
 * spaces ({@link printable}); the fields are otherwise kept as they came.
 * @see https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function alertBody(alert: Alert): Record<string, unknown> {
  const topic = alert.topic === undefined ? undefined : printable(alert.topic);
  const reason = printable(alert.reason);
  const quoted = topic ? ` "${topic}"` : '';
  const code = alert.zoomCode !== undefined ? `, Zoom code ${alert.zoomCode}` : '';
  // Named in the text when the deployment serves accounts other than the default one.
  const inAccount =
    alert.account !== undefined && alert.account !== DEFAULT_ACCOUNT
      ? ` (account ${alert.account})`
      : '';
  const tried = WITHOUT_ATTEMPTS.has(alert.type) ? '' : ` (${alert.attempts} attempts${code})`;
  const account = alert.account ?? DEFAULT_ACCOUNT;
  return {
    text: slackEscape(
      `:rotating_light: ${HEADLINES[alert.type]}${inAccount} for ${alert.kind} ${alert.meetingId}${quoted}: ${reason}${tried}`,
    ),
    type: alert.type,
    account,
    kind: alert.kind,
    meeting_id: alert.meetingId,
    topic: topic ?? null,
    reason,
    zoom_code: alert.zoomCode ?? null,
    attempts: alert.attempts,
    job_id: alert.jobId,
    at: alert.at,
  };
}

/** Slack's three control characters in message text, as its entities. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function createAlertQueue(
  connection: RedisConnection,
  prefix: string,
  log: Logger,
  logRepeatIntervalMs?: number,
): Queue<Alert> {
  const queue = new Queue<Alert>(ALERT_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
  // The connection logs going down and coming back; the queue's own errors only at debug.
  const logError = createLogThrottle(log, logRepeatIntervalMs, { level: 'debug' });
  queue.on('error', (err) => logError('alert queue error', err));
  return queue;
}

/**
 * One alert per type and meeting instance (or, for preflight, meeting occurrence; for an alert
 * with a `key`, per key), however often the cause repeats.
 */
export async function enqueueAlert(queue: Queue<Alert>, alert: Alert): Promise<string> {
  const jobId = `${alert.type}-${alert.key ?? alert.jobId}`;
  await queue.add(alert.type, alert, { jobId });
  return jobId;
}

export interface AlertWorkerOptions {
  connection: RedisConnection;
  prefix: string;
  /**
   * Where each alert goes: one URL, or the URL of the alert's account at delivery time (a reload
   * that changes it applies to alerts still queued; none: the alert is dropped, and logged).
   * Never logged: a chat webhook's URL is its secret.
   */
  url: string | ((alert: Alert) => string | undefined);
  dispatcher: Dispatcher;
  timeoutMs: number;
  log: Logger;
  /** A repeating worker error is logged once per this long, with a count. */
  logRepeatIntervalMs?: number;
  /** Each delivery is a client span of this; default: none. */
  tracing?: Tracing;
}

/**
 * Delivers alerts to `ALERT_WEBHOOK_URL` as JSON. Delivery is retried by BullMQ (5 tries,
 * exponential backoff); failures are logged and never touch the start pipeline.
 */
export function createAlertWorker(options: AlertWorkerOptions): Worker<Alert> {
  const worker = new Worker<Alert>(
    ALERT_QUEUE,
    async (job) => {
      const url = typeof options.url === 'string' ? options.url : options.url(job.data);
      if (url === undefined) {
        options.log.warn(
          {
            alert: job.data.type,
            account: job.data.account ?? DEFAULT_ACCOUNT,
            jobId: job.data.jobId,
          },
          'alert dropped: its account has no alert endpoint any more',
        );
        return;
      }
      const answer = await sendOnce(options.dispatcher, 'alert', url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alertBody(job.data)),
        timeoutMs: options.timeoutMs,
        ...(options.tracing && { tracing: options.tracing }),
      });
      if (answer.status >= 300) throw new Error(`alert endpoint answered ${answer.status}`);
      options.log.info(
        {
          alert: job.data.type,
          account: job.data.account ?? DEFAULT_ACCOUNT,
          meetingId: job.data.meetingId,
          topic: job.data.topic,
          jobId: job.data.jobId,
        },
        'alert delivered',
      );
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 5 },
  );
  // A Redis outage or failover repeats the same error: once per interval, with a count.
  const logError = createLogThrottle(options.log, options.logRepeatIntervalMs);
  worker.on('error', (err) => logError('alert worker error', err));
  worker.on('failed', (job, err) => {
    const final = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    options.log[final ? 'error' : 'warn'](
      {
        alert: job?.data.type,
        meetingId: job?.data.meetingId,
        attemptsMade: job?.attemptsMade,
        err: { message: err.message },
      },
      final ? 'alert delivery failed for good' : 'alert delivery failed; will retry',
    );
  });
  return worker;
}
