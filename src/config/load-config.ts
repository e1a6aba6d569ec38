import type { Config } from './config-types';
import { freeze } from './freeze-config';
import { redisProblems } from './redis-config';
import { readReconcileConfig } from './reconcile-config';
import { ROLES, type Role, type VariableSpec } from './schemas';
import { timeoutProblems } from './timeout-checks';
import { VARIABLES, type Parsed } from './variables';

export { ROLES, type Role } from './schemas';
export type { Config, LivestreamSettings } from './config-types';

/** Thrown by {@link loadConfig}; `problems` names every wrong variable, never a secret value. */
export class ConfigError extends Error {
  override name = 'ConfigError' as const;
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The variables an accounts file replaces: each account has its own. */
const ACCOUNT_VARIABLES = [
  'ZOOM_ACCOUNT_ID',
  'ZOOM_CLIENT_ID',
  'ZOOM_CLIENT_SECRET',
  'ZOOM_WEBHOOK_SECRET_TOKEN',
];

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
  const accountsFile = (env.ACCOUNTS_FILE ?? '') !== '';
  const roleResult = VARIABLES.ROLE.schema.safeParse(roleOverride ?? env.ROLE ?? 'all');
  const role: Role = roleResult.success ? roleResult.data : 'all';
  if (!roleResult.success) problems.push(`ROLE: must be one of ${ROLES.join(', ')}`);

  for (const [name, spec] of Object.entries(VARIABLES) as [string, VariableSpec][]) {
    if (name === 'ROLE') continue;
    const raw = env[name] === '' ? undefined : env[name];
    const needed =
      requireRoleVariables &&
      !(accountsFile && ACCOUNT_VARIABLES.includes(name)) &&
      (spec.roles?.some((r) => r === role || role === 'all') ?? false);
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
  const doubled = ACCOUNT_VARIABLES.filter((name) => accountsFile && (env[name] ?? '') !== '');
  if (doubled.length > 0)
    problems.push(
      `ACCOUNTS_FILE: ${doubled.join(', ')} ${doubled.length > 1 ? 'are' : 'is'} set too; with an accounts file each account's credentials and secret come from the file: unset ${doubled.length > 1 ? 'them' : 'it'}`,
    );
  const reconcile = readReconcileConfig(env);
  problems.push(...reconcile.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return freeze(role, values as Parsed, reconcile.config);
}
