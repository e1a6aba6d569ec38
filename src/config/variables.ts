import { z } from 'zod';
import { REDIS_VARIABLES } from './redis-config';
import { bool, int, required, ROLES, type VariableSpec } from './schemas';
import { TRACING_VARIABLES } from './tracing-config';

const httpUrl = z
  .url('must be a URL')
  .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));

/**
 * Every variable we read, with its schema and default. `secret` variables are never echoed in
 * errors; `roles` says which processes need them (a receiver needs no OAuth credentials).
 */
export const VARIABLES = {
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
  /** Several Zoom accounts (see docs/accounts.md); unset: the ZOOM_* variables form one account. */
  ACCOUNTS_FILE: { schema: required },
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
  ZOOM_PACER_INLINE_WAIT_MS: { schema: int(0, 10_000), default: '250' },
  ALERT_WEBHOOK_URL: { schema: httpUrl, secret: true },
  WORKER_CONCURRENCY: { schema: int(1, 1000), default: '10' },
  /** Unset: the whole concurrency with one account, half of it (rounded up) with several. */
  WORKER_SLOTS_PER_ACCOUNT: { schema: int(1, 1000) },
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

export type Vars = typeof VARIABLES;
export type Parsed = { [K in keyof Vars]: z.output<Vars[K]['schema']> | undefined };
