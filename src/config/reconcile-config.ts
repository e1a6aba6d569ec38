import { z } from 'zod';

/** Whose meetings the sweep asks Zoom about. */
export type ReconcileUsers =
  /** Every user of the account (`GET /users`, paged). */
  | { kind: 'all' }
  /** These user ids or emails. */
  | { kind: 'list'; ids: readonly string[] }
  /** The hosts named in the rules file (`host_ids`), read at every sweep. */
  | { kind: 'rules' };

export interface ReconcileConfig {
  users: ReconcileUsers;
  /** How often the sweep runs, once across the deployment; 0 turns reconciliation and preflight off. */
  intervalMs: number;
  /** How far ahead preflight checks upcoming meetings; 0 turns preflight off. */
  preflightLeadMs: number;
}

export const RECONCILE_DEFAULTS = { intervalMs: 60_000, preflightLeadMs: 3_600_000 } as const;

/** A user id or an email: no spaces, commas or characters that would change the URL path. */
const USER = /^[^\s,/?#%\\]{1,128}$/;

const ms = (allowed: string, check: (n: number) => boolean) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine(check, `must be ${allowed}`);

const SCHEMAS = {
  RECONCILE_USERS: z
    .string()
    .trim()
    .transform((v) => v.split(',').map((u) => u.trim()))
    .refine((ids) => ids.every((id) => USER.test(id)), {
      message: 'must be "all" or a comma-separated list of user ids or emails',
    })
    .transform((ids): ReconcileUsers =>
      ids.length === 1 && ids[0]!.toLowerCase() === 'all'
        ? { kind: 'all' }
        : { kind: 'list', ids: [...new Set(ids)] },
    ),
  RECONCILE_INTERVAL_MS: ms(
    '0 (off) or 1000 to 86400000',
    (n) => n === 0 || (n >= 1000 && n <= 86_400_000),
  ),
  PREFLIGHT_LEAD_MS: ms('0 (off) to 604800000 (7 days)', (n) => n <= 604_800_000),
};

/** One `RECONCILE_USERS` value (also an account's `reconcile_users`): the users, or why not. */
export function parseReconcileUsers(raw: string): ReconcileUsers | { problem: string } {
  const result = SCHEMAS.RECONCILE_USERS.safeParse(raw);
  if (result.success) return result.data;
  return { problem: result.error.issues.map((i) => i.message).join('; ') };
}

/**
 * The reconciliation and preflight variables, validated together; every problem is returned (as
 * `VARIABLE: why (got "value")` lines) for `loadConfig` to report along with its own.
 */
export function readReconcileConfig(env: Record<string, string | undefined>): {
  config: ReconcileConfig;
  problems: string[];
} {
  const problems: string[] = [];
  const read = <K extends keyof typeof SCHEMAS>(name: K) => {
    const raw = env[name] === '' ? undefined : env[name];
    if (raw === undefined) return undefined;
    const result = SCHEMAS[name].safeParse(raw);
    if (result.success) return result.data as z.output<(typeof SCHEMAS)[K]>;
    const why = result.error.issues.map((i) => i.message).join('; ');
    problems.push(`${name}: ${why} (got ${JSON.stringify(raw)})`);
    return undefined;
  };
  const users = read('RECONCILE_USERS');
  const intervalMs = read('RECONCILE_INTERVAL_MS');
  const preflightLeadMs = read('PREFLIGHT_LEAD_MS');
  return {
    config: {
      users: users ?? { kind: 'rules' },
      intervalMs: intervalMs ?? RECONCILE_DEFAULTS.intervalMs,
      preflightLeadMs: preflightLeadMs ?? RECONCILE_DEFAULTS.preflightLeadMs,
    },
    problems,
  };
}
