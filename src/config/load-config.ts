import { z } from 'zod';
import type { HttpLimits } from './http-limits';
import { REDIS_VARIABLES, redisMode, redisProblems, type RedisMode } from './redis-config';
import { bool, int, required, ROLES, type Role, type VariableSpec } from './schemas';
import { readReconcileConfig, type ReconcileConfig } from './reconcile-config';
import { timeoutProblems } from './timeout-checks';
import { TRACING_VARIABLES, tracingConfig, type TracingConfig } from './tracing-config';

export { ROLES, type Role } from './schemas';

/** Thrown by {@link loadConfig}; `problems` names every wrong variable, never a secret value. */
export class ConfigError extends Error {
  override name = 'ConfigError' as const;
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const httpUrl = z
  .url('must be a URL')
  .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));

/**
 * Every variable we read, with its schema and default. `secret` variables are never echoed in
 * errors; `roles` says which processes need them (a receiver needs no OAuth credentials).
 */
const VARIABLES = {
  ROLE: { schema: z.enum(ROLES, `must be one of ${ROLES.join(', ')}`), default: 'all' },
  PORT: { schema: int(0, 65535), default: '8080' },
  HOST: { schema: required, default: '0.0.0.0' },
  HTTP_HEADERS_TIMEOUT_MS: { schema: int(100, 60_000), default: '5000' },
  HTTP_REQUEST_TIMEOUT_MS: { schema: int(100, 300_000), default: '10000' },
  HTTP_KEEP_ALIVE_TIMEOUT_MS: { schema: int(1000, 600_000), default: '65000' },
  HTTP_IDLE_TIMEOUT_MS: { schema: int(100, 600_000), default: '5000' },
  HTTP_MAX_CONNECTIONS: { schema: int(1, 1_000_000), default: '1000' },
  ...REDIS_VARIABLES,
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
  },
  /** Unset: pretty when stdout is a terminal, JSON otherwise. */
  LOG_FORMAT: { schema: z.enum(['pretty', 'json'], 'must be pretty or json') },
  LOG_REPEAT_INTERVAL_MS: { schema: int(100, 3_600_000), default: '10000' },
  ZOOM_WEBHOOK_SECRET_TOKEN: {
    schema: required.refine((s) => s.split(',').some((x) => x.trim()), 'must name a secret'),
    secret: true,
    roles: ['receiver'],
  },
  WEBHOOK_TOLERANCE_SECONDS: { schema: int(1, 86_400), default: '300' },
  WEBHOOK_BODY_LIMIT_BYTES: { schema: int(1024, 1_048_575), default: '262144' },
  WEBHOOK_REDIS_BUDGET_MS: { schema: int(50, 60_000), default: '2000' },
  ZOOM_ACCOUNT_ID: { schema: required, roles: ['worker'] },
  ZOOM_CLIENT_ID: { schema: required, roles: ['worker'] },
  ZOOM_CLIENT_SECRET: { schema: required, secret: true, roles: ['worker'] },
  ZOOM_API_BASE_URL: { schema: httpUrl, default: 'https://api.zoom.us/v2' },
  ZOOM_OAUTH_TOKEN_URL: { schema: httpUrl, default: 'https://zoom.us/oauth/token' },
  ZOOM_HTTP_TIMEOUT_MS: { schema: int(100, 60_000), default: '10000' },
  LIVESTREAM_RETRY_DELAY_MS: { schema: int(0, 3_600_000), default: '30000' },
  LIVESTREAM_GIVE_UP_AFTER_MS: { schema: int(1000, 7 * 86_400_000), default: '14400000' },
  LIVESTREAM_BACKOFF_BASE_MS: { schema: int(10, 600_000), default: '2000' },
  LIVESTREAM_BACKOFF_MAX_MS: { schema: int(10, 3_600_000), default: '60000' },
  ZOOM_UNAVAILABLE_ALERT_AFTER_MS: { schema: int(0, 86_400_000), default: '300000' },
  READINESS_CHECK_INTERVAL_MS: { schema: int(100, 3_600_000), default: '30000' },
  LIVESTREAM_DISPLAY_NAME: { schema: z.string().min(1).max(50, 'must be 1-50 characters') },
  LIVESTREAM_ACTIVE_SPEAKER_NAME: { schema: bool },
  LIVESTREAM_RULES_FILE: { schema: required },
  LIVESTREAM_CONFIRM_TIMEOUT_MS: { schema: int(0, 3_600_000), default: '0' },
  ZOOM_MAX_REQUESTS_PER_SECOND: { schema: int(1, 100_000), default: '20' },
  ALERT_WEBHOOK_URL: { schema: httpUrl, secret: true },
  WORKER_CONCURRENCY: { schema: int(1, 1000), default: '10' },
  WORKER_LOCK_DURATION_MS: { schema: int(1000, 600_000), default: '30000' },
  SHUTDOWN_TIMEOUT_MS: { schema: int(0, 600_000), default: '25000' },
  ADMIN_USERNAME: {
    schema: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^:]+$/, 'must not contain ":"'),
  },
  ADMIN_PASSWORD: { schema: z.string().min(12, 'must be at least 12 characters'), secret: true },
  CONSOLE_CSRF_SECRET: {
    schema: z.string().min(32, 'must be at least 32 characters'),
    secret: true,
  },
  CONSOLE_ATTENTION_AFTER_MS: { schema: int(1000, 7 * 86_400_000), default: '600000' },
  ...TRACING_VARIABLES,
} satisfies Record<string, VariableSpec>;

type Vars = typeof VARIABLES;
type Parsed = { [K in keyof Vars]: z.output<Vars[K]['schema']> | undefined };

export interface LivestreamSettings {
  display_name?: string;
  active_speaker_name?: boolean;
}

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
  /** Where alerts are POSTed; unset sends none. */
  alertWebhookUrl: string | undefined;
  /** OpenTelemetry tracing; off (no exporter) unless the OTEL variables turn it on. */
  tracing: TracingConfig;
  worker: { concurrency: number; lockDurationMs: number; shutdownTimeoutMs: number };
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

export const runsReceiver = (role: Role): boolean => role !== 'worker';
export const runsWorker = (role: Role): boolean => role !== 'receiver';

/** Config for the operator commands (status, trigger, retry): they need Redis, not credentials. */
export const loadToolConfig = (env: Record<string, string | undefined>): Config =>
  loadConfig(env, 'all', { requireRoleVariables: false });

/**
 * Validates the whole environment at once and returns a frozen config. Variables of a role the
 * process does not run are parsed when present but not required. Throws {@link ConfigError}.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  roleOverride?: string,
  { requireRoleVariables = true }: { requireRoleVariables?: boolean } = {},
): Config {
  const problems: string[] = [];
  const values: Partial<Record<string, unknown>> = {};
  const roleResult = VARIABLES.ROLE.schema.safeParse(roleOverride ?? env.ROLE ?? 'all');
  const role: Role = roleResult.success ? roleResult.data : 'all';
  if (!roleResult.success) problems.push(`ROLE: must be one of ${ROLES.join(', ')}`);

  for (const [name, spec] of Object.entries(VARIABLES) as [string, VariableSpec][]) {
    if (name === 'ROLE') continue;
    const raw = env[name] === '' ? undefined : env[name];
    const needed =
      requireRoleVariables && (spec.roles?.some((r) => r === role || role === 'all') ?? false);
    if (raw === undefined && spec.default === undefined) {
      if (needed) problems.push(`${name}: is required for role "${role}"`);
      continue;
    }
    const result = spec.schema.safeParse(raw ?? spec.default);
    if (result.success) values[name] = result.data;
    else {
      const why = result.error.issues.map((i) => i.message).join('; ');
      problems.push(`${name}: ${why}${spec.secret ? '' : ` (got ${JSON.stringify(raw)})`}`);
    }
  }
  if ((env.ADMIN_USERNAME ? 1 : 0) + (env.ADMIN_PASSWORD ? 1 : 0) === 1) {
    problems.push('ADMIN_USERNAME, ADMIN_PASSWORD: set both to enable the dashboard, or neither');
  }
  const v = values as Parsed;
  problems.push(
    ...timeoutProblems({
      headersMs: v.HTTP_HEADERS_TIMEOUT_MS,
      requestMs: v.HTTP_REQUEST_TIMEOUT_MS,
      idleMs: v.HTTP_IDLE_TIMEOUT_MS,
      redisBudgetMs: v.WEBHOOK_REDIS_BUDGET_MS,
    }),
  );
  problems.push(...redisProblems(env));
  const reconcile = readReconcileConfig(env);
  problems.push(...reconcile.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return freeze(role, values as Parsed, reconcile.config);
}

function freeze(role: Role, v: Parsed, reconcile: ReconcileConfig): Config {
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
    alertWebhookUrl: v.ALERT_WEBHOOK_URL,
    tracing: tracingConfig(v),
    worker: {
      concurrency: v.WORKER_CONCURRENCY!,
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
