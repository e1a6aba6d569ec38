import { accountDefaults, loadAccounts } from '../accounts/load-accounts';
import { loadAccountsFile } from '../accounts/accounts-file';
import type { Account, AccountSet } from '../accounts/account-types';
import type { Config } from '../config/load-config';
import { printable } from '../domain/plain-text';
import { CliError, EXIT } from './io';

/**
 * The accounts as the operator commands read them: the accounts file (or the `ZOOM_*` variables
 * as the `default` account), without requiring any credential or secret, nor checking rules
 * files: `status`, `trigger`, `retry` and `cancel` need only the names. `stop` checks the one
 * account it calls Zoom for ({@link withCredentials}). An invalid file exits 78 as for `start`.
 */
export function loadToolAccounts(
  config: Config,
  env: Record<string, string | undefined>,
): AccountSet {
  if (config.accountsFile === undefined) return loadAccounts(config, env);
  const { maxRequestsPerSecond, rulesFile, alertWebhookUrl, reconcileUsers } = accountDefaults(
    config,
    env,
  );
  return loadAccountsFile(config.accountsFile, env, {
    maxRequestsPerSecond,
    rulesFile,
    alertWebhookUrl,
    reconcileUsers,
    needsCredentials: false,
    needsWebhookSecret: false,
  });
}

const names = (set: AccountSet) => set.accounts.map((a) => a.name).join(', ');

/** The `--account` named, which must be one of the file's (exit 2 naming them when it is not). */
export function namedAccount(set: AccountSet, name: string): Account {
  const account = set.accounts.find((a) => a.name === name);
  if (!account)
    throw new CliError(
      `unknown account "${printable(name)}": the accounts are ${names(set)}`,
      EXIT.usage,
    );
  return account;
}

/**
 * The account a command about one meeting acts on: `--account`, or the only account there is. With
 * several accounts `--account` is required (meeting numbers are per account): exit 2 naming them.
 */
export function actionAccount(set: AccountSet, name: string | undefined): Account {
  if (name !== undefined) return namedAccount(set, name);
  if (set.accounts.length === 1) return set.accounts[0]!;
  throw new CliError(
    `--account is required: this deployment has several accounts (${names(set)})`,
    EXIT.usage,
  );
}

/** The account with its Server-to-Server credentials, which `stop` calls Zoom with (else exit 78). */
export function withCredentials(account: Account): Account {
  const missing = [
    ...(account.zoom.clientId === '' ? ['client_id'] : []),
    ...(account.zoom.clientSecret === '' ? ['client_secret'] : []),
  ];
  if (missing.length > 0)
    throw new CliError(
      `account "${account.name}": ${missing.join(' and ')} not set (their variables are missing): stop calls Zoom with the account's credentials`,
      EXIT.config,
    );
  return account;
}
