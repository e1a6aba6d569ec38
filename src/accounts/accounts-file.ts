import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { isAccountName } from '../domain/account';
import { parseReconcileUsers, type ReconcileUsers } from '../config/reconcile-config';
import { AccountsError, type Account, type AccountSet } from './account-types';
import { duplicates, readField, type FieldReader } from './account-fields';
import { readConsoleUsers } from './console-users';

/** What an account inherits when the file leaves a field out, and which credentials this process needs. */
export interface AccountDefaults {
  maxRequestsPerSecond: number;
  rulesFile: string | undefined;
  alertWebhookUrl: string | undefined;
  reconcileUsers: ReconcileUsers;
  /** A worker needs each account's client id and secret. */
  needsCredentials: boolean;
  /** A receiver needs each account's webhook secret token. */
  needsWebhookSecret: boolean;
  /** The problems of a rules file (a worker checks each account's), empty when it is good. */
  rulesProblems?: (file: string) => string[];
}

const ACCOUNT_KEYS = new Set([
  'name',
  'zoom_account_id',
  'client_id',
  'client_secret',
  'client_secret_file',
  'webhook_secret_token',
  'webhook_secret_token_file',
  'max_requests_per_second',
  'rules_file',
  'alert_webhook_url',
  'reconcile_users',
]);

/**
 * Reads an accounts file (YAML or JSON): `accounts:` (at least one) and optional `console_users:`.
 * `${NAME}` in any string is replaced by that environment variable. Secrets (`client_secret`,
 * `webhook_secret_token`) must be `${NAME}` references or `…_file` paths, never written in the
 * file. Throws {@link AccountsError} naming every problem of every account at once.
 */
export function loadAccountsFile(
  file: string,
  env: Record<string, string | undefined>,
  defaults: AccountDefaults,
): AccountSet {
  const doc = readDocument(file);
  const problems: string[] = [];
  const list = Array.isArray(doc.accounts) ? (doc.accounts as unknown[]) : [];
  if (!Array.isArray(doc.accounts) || list.length === 0)
    problems.push('accounts: must list at least one account');
  for (const key of Object.keys(doc))
    if (key !== 'accounts' && key !== 'console_users')
      problems.push(`${key}: unknown top-level key (expected accounts, console_users)`);
  const accounts: Account[] = [];
  list.forEach((raw, index) => {
    const label = `accounts[${index}]${named(raw) ? ` (${named(raw)})` : ''}`;
    const field = readField(raw, env, (p) => problems.push(`${label}.${p}`));
    const account = readAccount(raw, field, defaults, (p) => problems.push(`${label}.${p}`));
    if (account) accounts.push(account);
  });
  problems.push(
    ...duplicates(
      list.map(named).filter((n) => n !== undefined),
      'account name',
    ),
  );
  problems.push(
    ...duplicates(
      accounts.map((a) => a.zoom.accountId),
      'zoom_account_id',
    ),
  );
  const consoleUsers = readConsoleUsers(doc.console_users, accounts, problems);
  if (problems.length > 0) throw new AccountsError(file, problems);
  return { accounts, consoleUsers, file };
}

function readDocument(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    const why =
      err instanceof YAMLParseError
        ? `is not valid YAML or JSON (line ${err.linePos?.[0].line ?? '?'})`
        : `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new AccountsError(file, [why]);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new AccountsError(file, ['not an accounts file: expected a top-level `accounts:` list']);
  return doc as Record<string, unknown>;
}

function named(raw: unknown): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const name = (raw as { name?: unknown }).name;
  return typeof name === 'string' && isAccountName(name) ? name : undefined;
}

function readAccount(
  raw: unknown,
  field: FieldReader,
  defaults: AccountDefaults,
  problem: (p: string) => void,
): Account | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problem('must be a mapping with name, zoom_account_id, client_id, …');
    return undefined;
  }
  for (const key of Object.keys(raw)) if (!ACCOUNT_KEYS.has(key)) problem(`${key}: unknown field`);
  const before = field.problems();
  const name = field.text('name', { required: true });
  if (name !== undefined && !isAccountName(name))
    problem('name: must be 1-32 characters of a-z, 0-9 and - (it appears in URLs and metrics)');
  const accountId = field.text('zoom_account_id', { required: true });
  const clientId = field.text('client_id', { required: defaults.needsCredentials });
  const clientSecret = field.secret('client_secret', defaults.needsCredentials);
  const webhookSecret = field.secret('webhook_secret_token', defaults.needsWebhookSecret);
  const rate = field.integer('max_requests_per_second', 1, 100_000);
  const rulesFile = field.text('rules_file', { required: false });
  const alertUrl = field.url('alert_webhook_url');
  const users = field.text('reconcile_users', { required: false });
  const reconcileUsers = users === undefined ? defaults.reconcileUsers : parseReconcileUsers(users);
  if ('problem' in reconcileUsers) problem(`reconcile_users: ${reconcileUsers.problem}`);
  const rules = rulesFile ?? defaults.rulesFile;
  const ruleProblems = rules ? (defaults.rulesProblems?.(rules) ?? []) : [];
  for (const p of ruleProblems) problem(`rules_file (${rules}): ${p}`);
  if (field.problems() > before || 'problem' in reconcileUsers || ruleProblems.length > 0)
    return undefined;
  return {
    name: name!,
    zoom: {
      accountId: accountId!,
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
      maxRequestsPerSecond: rate ?? defaults.maxRequestsPerSecond,
    },
    webhookSecrets: (webhookSecret ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    rulesFile: rules,
    alertWebhookUrl: alertUrl ?? defaults.alertWebhookUrl,
    reconcileUsers,
  };
}
