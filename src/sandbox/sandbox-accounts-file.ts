import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentialsOf, type SandboxAccountOptions } from './sandbox-account';

/**
 * Writes the accounts file of a deployment against the sandbox (`accounts.yaml` in `dir`) for
 * `accounts` as the sandbox plays them: every credential and secret as a `${VAR}` reference
 * (`<prefix>_<NAME>_CLIENT_SECRET` and so on), never the value; the webhook secret and the rate
 * limit when the account has them. Answers its path and the environment that resolves the
 * references.
 */
export function writeSandboxAccountsFile(
  dir: string,
  accounts: readonly SandboxAccountOptions[],
  prefix: string,
): { file: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const ref = (account: string, field: string, value: string) => {
    const variable = `${prefix}_${account.toUpperCase().replaceAll('-', '_')}_${field}`;
    env[variable] = value;
    return `\${${variable}}`;
  };
  const lines = ['accounts:'];
  for (const a of accounts) {
    const { accountId, clientId, clientSecret } = credentialsOf(a);
    lines.push(
      `  - name: ${a.name}`,
      `    zoom_account_id: ${ref(a.name, 'ZOOM_ACCOUNT_ID', accountId)}`,
      `    client_id: ${ref(a.name, 'CLIENT_ID', clientId)}`,
      `    client_secret: ${ref(a.name, 'CLIENT_SECRET', clientSecret)}`,
    );
    if (a.webhookSecret !== undefined)
      lines.push(`    webhook_secret_token: ${ref(a.name, 'WEBHOOK_SECRET', a.webhookSecret)}`);
    if (a.maxRequestsPerSecond !== undefined)
      lines.push(`    max_requests_per_second: ${a.maxRequestsPerSecond}`);
  }
  const file = join(dir, 'accounts.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, env };
}
