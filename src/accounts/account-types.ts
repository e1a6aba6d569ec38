import type { ReconcileUsers } from '../config/reconcile-config';

/**
 * One Zoom account the deployment serves: its Server-to-Server app, its webhook secrets, its
 * own pacing limit, rules, alert endpoint and sweep users. Secrets are resolved values; nothing
 * that prints an account may print them (see `describeAccount`).
 */
export interface Account {
  /** `[a-z0-9-]{1,32}`: in the webhook path, logs, Redis keys and metric labels. */
  name: string;
  zoom: {
    accountId: string;
    /** Empty for a process that runs no worker and was not given them. */
    clientId: string;
    clientSecret: string;
    maxRequestsPerSecond: number;
  };
  /** Every accepted webhook secret token (several while rotating); empty for a worker-only process. */
  webhookSecrets: readonly string[];
  rulesFile: string | undefined;
  alertWebhookUrl: string | undefined;
  reconcileUsers: ReconcileUsers;
}

/** A console user of the accounts file: who may see and act on which accounts. */
export interface ConsoleUser {
  username: string;
  /** `scrypt$N$r$p$salt$hash` (base64url): never the password itself. */
  passwordHash: string;
  /** The account names this user sees; `all` for every account. */
  accounts: readonly string[] | 'all';
}

/** What the deployment serves: its accounts (in file order) and the console users of the file. */
export interface AccountSet {
  accounts: readonly Account[];
  consoleUsers: readonly ConsoleUser[];
  /** The file they came from; undefined when the `ZOOM_*` variables form the one `default` account. */
  file: string | undefined;
}

/** Thrown for an unreadable or invalid accounts file; every problem at once, never a secret. */
export class AccountsError extends Error {
  override name = 'AccountsError' as const;
  readonly code = 'ACCOUNTS_INVALID';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid accounts file ${file}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** An account as logs and `doctor` may show it: no secret, no credential. */
export function describeAccount(account: Account): Record<string, unknown> {
  return {
    name: account.name,
    zoomAccountId: account.zoom.accountId,
    maxRequestsPerSecond: account.zoom.maxRequestsPerSecond,
    rulesFile: account.rulesFile ?? null,
    alerts: account.alertWebhookUrl !== undefined,
    webhookSecrets: account.webhookSecrets.length,
  };
}
