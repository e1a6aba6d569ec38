import type { HttpLimits } from './http-limits';
import type { RedisMode } from './redis-config';
import type { ReconcileConfig } from './reconcile-config';
import type { Role } from './schemas';
import type { TracingConfig } from './tracing-config';

/** `settings` of the livestream start call (display name, active speaker name). */
export interface LivestreamSettings {
  display_name?: string;
  active_speaker_name?: boolean;
}

/** The whole configuration as the service uses it: checked, typed and frozen by `loadConfig`. */
export interface Config {
  role: Role;
  /** Where to listen, and the server's limits (see `HttpLimits`). */
  http: { port: number; host: string } & HttpLimits;
  redis: {
    /** Standalone `REDIS_URL`; unset in the other modes and for the embedded Redis. */
    url: string | undefined;
    mode: RedisMode;
    /** Replicas that must hold a webhook's job before the 2xx (`WAIT`); 0: do not wait. */
    minReplicasAck: number;
    dataDir: string;
    /** How the embedded Redis is restarted when it exits (see `superviseEmbeddedRedis`). */
    embeddedRestart: { delayMs: number; maxRestarts: number; windowMs: number };
    queuePrefix: string;
    /** Queues new accounts are spread over (`QUEUE_SHARDS`); an account keeps the shard it got. */
    queueShards: number;
    /** How often readiness re-checks that Redis accepts writes and never evicts. */
    checkIntervalMs: number;
  };
  logLevel: string;
  /** `pretty` or `json`; unset picks by whether stdout is a terminal. */
  logFormat: 'pretty' | 'json' | undefined;
  /** A repeating error (Redis down, a failover) is logged once per this long, with a count. */
  logRepeatIntervalMs: number;
  webhook: {
    secrets: string[];
    toleranceSeconds: number;
    bodyLimitBytes: number;
    /** How long a webhook waits for Redis to acknowledge its job before the answer is 503. */
    redisBudgetMs: number;
  };
  zoom: {
    accountId: string;
    clientId: string;
    clientSecret: string;
    apiBaseUrl: string;
    oauthTokenUrl: string;
    httpTimeoutMs: number;
    maxRequestsPerSecond: number;
    /** A pacing slot at most this far away is slept on in place; a later one is waited for in the queue. */
    pacerInlineWaitMs: number;
  };
  livestream: {
    retryDelayMs: number;
    giveUpAfterMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    /** Continued Zoom trouble (5xx, timeouts) raises `zoom_unavailable` after this long; 0: never. */
    unavailableAlertAfterMs: number;
    confirmTimeoutMs: number;
    settings: LivestreamSettings;
    /** Rules file; unset streams every meeting to the target configured in Zoom. */
    rulesFile: string | undefined;
  };
  /** The accounts file; unset: the `ZOOM_*` variables form the one `default` account. */
  accountsFile: string | undefined;
  /** Where alerts are POSTed; unset sends none. */
  alertWebhookUrl: string | undefined;
  /** OpenTelemetry tracing; off (no exporter) unless the OTEL variables turn it on. */
  tracing: TracingConfig;
  worker: {
    concurrency: number;
    /** Most worker slots one account holds at once in a process; unset: see `accountSlotLimit`. */
    slotsPerAccount: number | undefined;
    lockDurationMs: number;
    shutdownTimeoutMs: number;
  };
  /** Dashboard credentials; the dashboard is off when unset. */
  admin: { username: string; password: string } | undefined;
  console: {
    /** Keys the console's CSRF tokens; unset: derived from `ADMIN_PASSWORD`. */
    csrfSecret: string | undefined;
    /** A start waiting longer than this is listed under "Needs attention". */
    attentionAfterMs: number;
  };
  /** The sweep that finds live meetings without a webhook and checks upcoming ones. */
  reconcile: ReconcileConfig;
}
