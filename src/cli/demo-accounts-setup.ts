import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxAccountOptions } from '../sandbox/zoom-sandbox';

/** The names the demo gives its accounts, in order. */
const NAMES = [
  'campus',
  'medicine',
  'law',
  'arts',
  'science',
  'music',
  'sports',
  'alumni',
  'library',
  'press',
];

export const MAX_DEMO_ACCOUNTS = NAMES.length;

/** The API calls per second each demo account may make (its own limit at the sandbox too). */
export const DEMO_ACCOUNT_RATE = 10;

/** `count` accounts for the sandbox, each with fresh random credentials and webhook secret. */
export function demoAccounts(count: number): Required<SandboxAccountOptions>[] {
  return NAMES.slice(0, count).map((name) => ({
    name,
    accountId: `zoom-${name}-${randomBytes(3).toString('hex')}`,
    clientId: `${name}-app`,
    clientSecret: randomBytes(16).toString('hex'),
    webhookSecret: randomBytes(16).toString('hex'),
    maxRequestsPerSecond: DEMO_ACCOUNT_RATE,
  }));
}

/** `DEMO_CAMPUS_CLIENT_SECRET` and so on: the variable an account's field is read from. */
const variable = (account: string, field: string) =>
  `DEMO_${account.toUpperCase().replaceAll('-', '_')}_${field}`;

/**
 * Writes the accounts file the service reads (`accounts.yaml` in `dir`): every credential and
 * secret as a `${VAR}` reference, never the value. Answers its path and the environment that
 * resolves the references.
 */
export function writeAccountsFile(
  dir: string,
  accounts: readonly Required<SandboxAccountOptions>[],
): { file: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const ref = (account: string, field: string, value: string) => {
    env[variable(account, field)] = value;
    return `\${${variable(account, field)}}`;
  };
  const lines = ['accounts:'];
  for (const a of accounts)
    lines.push(
      `  - name: ${a.name}`,
      `    zoom_account_id: ${ref(a.name, 'ZOOM_ACCOUNT_ID', a.accountId)}`,
      `    client_id: ${ref(a.name, 'CLIENT_ID', a.clientId)}`,
      `    client_secret: ${ref(a.name, 'CLIENT_SECRET', a.clientSecret)}`,
      `    webhook_secret_token: ${ref(a.name, 'WEBHOOK_SECRET', a.webhookSecret)}`,
      `    max_requests_per_second: ${a.maxRequestsPerSecond}`,
    );
  const file = join(dir, 'accounts.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, env };
}
