import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from './random';

/** One Zoom account of the soak: its name in the deployment and its credentials at the sandbox. */
export interface SoakAccount {
  name: string;
  index: number;
  zoomAccountId: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
}

const NAMES = ['campus', 'north', 'south', 'law', 'medicine', 'arts', 'sports', 'library'];

const hex = (random: Random, n: number) =>
  Array.from({ length: n }, () => random.int(0, 15).toString(16)).join('');

/** `count` accounts; one account is the `default` account of the `ZOOM_*` variables. */
export function makeAccounts(count: number, random: Random): SoakAccount[] {
  return Array.from({ length: count }, (_, index) => ({
    name: count === 1 ? 'default' : (NAMES[index] ?? `account-${index}`),
    index,
    zoomAccountId: `soak-zoom-${index}-${hex(random, 6)}`,
    clientId: `soak-client-${index}`,
    clientSecret: `soak-client-secret-${hex(random, 24)}`,
    webhookSecret: `soak-webhook-secret-${hex(random, 24)}`,
  }));
}

/**
 * The service's account variables: the `ZOOM_*` variables for one account, else an accounts file
 * (written to `dir`) whose secrets are `${VAR}` references to variables set here.
 */
export function accountsEnv(accounts: readonly SoakAccount[], dir: string): Record<string, string> {
  if (accounts.length === 1) {
    const a = accounts[0]!;
    return {
      ZOOM_ACCOUNT_ID: a.zoomAccountId,
      ZOOM_CLIENT_ID: a.clientId,
      ZOOM_CLIENT_SECRET: a.clientSecret,
      ZOOM_WEBHOOK_SECRET_TOKEN: a.webhookSecret,
    };
  }
  const env: Record<string, string> = {};
  const lines = ['accounts:'];
  for (const a of accounts) {
    const v = `SOAK_${a.index}`;
    env[`${v}_CLIENT_SECRET`] = a.clientSecret;
    env[`${v}_WEBHOOK_SECRET`] = a.webhookSecret;
    lines.push(
      `  - name: ${a.name}`,
      `    zoom_account_id: ${a.zoomAccountId}`,
      `    client_id: ${a.clientId}`,
      `    client_secret: \${${v}_CLIENT_SECRET}`,
      `    webhook_secret_token: \${${v}_WEBHOOK_SECRET}`,
      `    reconcile_users: all`,
    );
  }
  const file = join(dir, 'accounts.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return { ...env, ACCOUNTS_FILE: file };
}

/** The path Zoom posts an account's webhooks to. */
export const webhookPath = (accounts: readonly SoakAccount[], account: SoakAccount): string =>
  accounts.length === 1 ? '/webhooks/zoom' : `/webhooks/zoom/${account.name}`;

/** Everything that must never appear in a log line. */
export const accountSecrets = (accounts: readonly SoakAccount[]): string[] =>
  accounts.flatMap((a) => [a.clientSecret, a.webhookSecret]);
