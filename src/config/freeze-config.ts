import type { Config, LivestreamSettings } from './config-types';
import { redisMode } from './redis-config';
import type { ReconcileConfig } from './reconcile-config';
import type { Role } from './schemas';
import { tracingConfig } from './tracing-config';
import type { Parsed } from './variables';

/** Shapes the parsed variables into the {@link Config} the service reads, deeply frozen. */
export function freeze(role: Role, v: Parsed, reconcile: ReconcileConfig): Config {
  const settings: LivestreamSettings = {};
  if (v.LIVESTREAM_DISPLAY_NAME !== undefined) settings.display_name = v.LIVESTREAM_DISPLAY_NAME;
  if (v.LIVESTREAM_ACTIVE_SPEAKER_NAME !== undefined)
    settings.active_speaker_name = v.LIVESTREAM_ACTIVE_SPEAKER_NAME;
  const config: Config = {
    role,
    http: {
      port: v.PORT!,
      host: v.HOST!,
      headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_MS!,
      requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS!,
      keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS!,
      idleTimeoutMs: v.HTTP_IDLE_TIMEOUT_MS!,
      maxConnections: v.HTTP_MAX_CONNECTIONS!,
    },
    redis: {
      url: v.REDIS_URL,
      mode: redisMode(v),
      minReplicasAck: v.REDIS_MIN_REPLICAS_ACK!,
      dataDir: v.REDIS_DATA_DIR!,
      embeddedRestart: {
        delayMs: v.EMBEDDED_REDIS_RESTART_DELAY_MS!,
        maxRestarts: v.EMBEDDED_REDIS_MAX_RESTARTS!,
        windowMs: v.EMBEDDED_REDIS_RESTART_WINDOW_MS!,
      },
      queuePrefix: v.QUEUE_PREFIX!,
      queueShards: v.QUEUE_SHARDS!,
      checkIntervalMs: v.READINESS_CHECK_INTERVAL_MS!,
    },
    logLevel: v.LOG_LEVEL!,
    logFormat: v.LOG_FORMAT,
    logRepeatIntervalMs: v.LOG_REPEAT_INTERVAL_MS!,
    webhook: {
      secrets: (v.ZOOM_WEBHOOK_SECRET_TOKEN ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
      toleranceSeconds: v.WEBHOOK_TOLERANCE_SECONDS!,
      bodyLimitBytes: v.WEBHOOK_BODY_LIMIT_BYTES!,
      redisBudgetMs: v.WEBHOOK_REDIS_BUDGET_MS!,
    },
    zoom: {
      accountId: v.ZOOM_ACCOUNT_ID ?? '',
      clientId: v.ZOOM_CLIENT_ID ?? '',
      clientSecret: v.ZOOM_CLIENT_SECRET ?? '',
      apiBaseUrl: v.ZOOM_API_BASE_URL!,
      oauthTokenUrl: v.ZOOM_OAUTH_TOKEN_URL!,
      httpTimeoutMs: v.ZOOM_HTTP_TIMEOUT_MS!,
      maxRequestsPerSecond: v.ZOOM_MAX_REQUESTS_PER_SECOND!,
      pacerInlineWaitMs: v.ZOOM_PACER_INLINE_WAIT_MS!,
    },
    livestream: {
      retryDelayMs: v.LIVESTREAM_RETRY_DELAY_MS!,
      giveUpAfterMs: v.LIVESTREAM_GIVE_UP_AFTER_MS!,
      backoffBaseMs: v.LIVESTREAM_BACKOFF_BASE_MS!,
      backoffMaxMs: v.LIVESTREAM_BACKOFF_MAX_MS!,
      unavailableAlertAfterMs: v.ZOOM_UNAVAILABLE_ALERT_AFTER_MS!,
      confirmTimeoutMs: v.LIVESTREAM_CONFIRM_TIMEOUT_MS!,
      settings,
      rulesFile: v.LIVESTREAM_RULES_FILE,
    },
    accountsFile: v.ACCOUNTS_FILE,
    alertWebhookUrl: v.ALERT_WEBHOOK_URL,
    tracing: tracingConfig(v),
    worker: {
      concurrency: v.WORKER_CONCURRENCY!,
      slotsPerAccount: v.WORKER_SLOTS_PER_ACCOUNT,
      lockDurationMs: v.WORKER_LOCK_DURATION_MS!,
      shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS!,
    },
    admin:
      v.ADMIN_USERNAME && v.ADMIN_PASSWORD
        ? { username: v.ADMIN_USERNAME, password: v.ADMIN_PASSWORD }
        : undefined,
    console: {
      csrfSecret: v.CONSOLE_CSRF_SECRET,
      attentionAfterMs: v.CONSOLE_ATTENTION_AFTER_MS!,
    },
    reconcile,
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(o: T): T {
  for (const value of Object.values(o)) if (value && typeof value === 'object') deepFreeze(value);
  return Object.freeze(o);
}
