import { runsReceiver, runsWorker, type Config } from '../config/load-config';
import { DEFAULT_ACCOUNT } from '../domain/account';
import { loadRules } from '../policy/load-rules';
import { RulesError } from '../policy/rules';
import type { Account, AccountSet } from './account-types';
import { loadAccountsFile, type AccountDefaults } from './accounts-file';

/**
 * The accounts this process serves: those of `ACCOUNTS_FILE`, or the one `default` account the
 * `ZOOM_*` variables form. Throws `AccountsError` (exit 78) naming every problem of the file; a
 * worker also checks each account's rules file.
 */
export function loadAccounts(config: Config, env: Record<string, string | undefined>): AccountSet {
  if (config.accountsFile === undefined)
    return { accounts: [envAccount(config)], consoleUsers: [], file: undefined };
  return loadAccountsFile(config.accountsFile, env, accountDefaults(config, env));
}

/** What an account of the file inherits from the environment. */
export function accountDefaults(
  config: Config,
  env: Record<string, string | undefined>,
): AccountDefaults {
  const worker = runsWorker(config.role);
  return {
    maxRequestsPerSecond: config.zoom.maxRequestsPerSecond,
    rulesFile: config.livestream.rulesFile,
    alertWebhookUrl: config.alertWebhookUrl,
    reconcileUsers: config.reconcile.users,
    needsCredentials: worker,
    needsWebhookSecret: runsReceiver(config.role),
    ...(worker && { rulesProblems: (file: string) => rulesProblems(file, env) }),
  };
}

/** The account the `ZOOM_*` variables form when there is no accounts file. */
export function envAccount(config: Config): Account {
  return {
    name: DEFAULT_ACCOUNT,
    zoom: {
      accountId: config.zoom.accountId,
      clientId: config.zoom.clientId,
      clientSecret: config.zoom.clientSecret,
      maxRequestsPerSecond: config.zoom.maxRequestsPerSecond,
    },
    webhookSecrets: config.webhook.secrets,
    rulesFile: config.livestream.rulesFile,
    alertWebhookUrl: config.alertWebhookUrl,
    reconcileUsers: config.reconcile.users,
  };
}

function rulesProblems(file: string, env: Record<string, string | undefined>): string[] {
  try {
    loadRules(file, env);
    return [];
  } catch (err) {
    return err instanceof RulesError ? [...err.problems] : [(err as Error).message];
  }
}
