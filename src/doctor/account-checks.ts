import type { Dispatcher } from 'undici';
import type { Account, AccountSet } from '../accounts/account-types';
import { AccountsError } from '../accounts/account-types';
import { loadAccountsFile } from '../accounts/accounts-file';
import { accountDefaults, loadAccounts } from '../accounts/load-accounts';
import { runsReceiver, runsWorker, type Config } from '../config/load-config';
import { printable } from '../domain/plain-text';
import { loadRules } from '../policy/load-rules';
import { DEFAULT_RULES, type Rule } from '../policy/rules';
import { ruleHosts } from '../reconcile/sweep';
import { createZoomDispatcher } from '../zoom/http';
import { fetchAccessToken } from '../zoom/oauth';
import { fail, ok, type CheckResult } from './checklist';
import { checkListCall } from './list-checks';
import { checkAlerts, checkRules } from './setup-checks';
import { CREDENTIALS_FIX, checkZoom } from './zoom-checks';

type Env = Record<string, string | undefined>;

/**
 * Every account's checks (or only the account `only`): the accounts file itself, then for each
 * account its webhook secret (receivers), and its token, scopes, the sweep's list call, rules
 * file and alert endpoint (workers). With an accounts file, each result carries its account and
 * each failure's detail begins with `account <name>:`.
 */
export async function checkAccounts(
  config: Config,
  env: Env,
  only: string | undefined,
): Promise<CheckResult[]> {
  const loaded = readAccounts(config, env);
  if ('failure' in loaded) return [loaded.failure];
  const { set } = loaded;
  const results: CheckResult[] = [];
  const names = set.accounts.map((a) => a.name);
  if (set.file)
    results.push(ok('Accounts file valid', `${printable(set.file)}: ${names.join(', ')}`));
  const accounts = only === undefined ? set.accounts : set.accounts.filter((a) => a.name === only);
  if (accounts.length === 0)
    return [
      ...results,
      fail(
        'Account exists',
        `no account "${printable(only ?? '')}"; the accounts are: ${names.join(', ')}`,
        'name one of these accounts with --account',
      ),
    ];
  const dispatcher = createZoomDispatcher(config.zoom.httpTimeoutMs);
  try {
    const alertChecks = new Map<string, Promise<CheckResult>>();
    const ctx = { config, env, dispatcher, alertChecks, fromFile: set.file !== undefined };
    const checked = await Promise.all(accounts.map((a) => checkAccount(ctx, a)));
    for (const [i, checks] of checked.entries())
      results.push(...(ctx.fromFile ? checks.map(named(accounts[i]!.name)) : checks));
  } finally {
    await dispatcher.destroy();
  }
  return results;
}

/**
 * The accounts as the service would load them, except that a rules file's problems are left to
 * the account's own rules check (so one account's bad rules never hide another's checks).
 */
function readAccounts(config: Config, env: Env): { set: AccountSet } | { failure: CheckResult } {
  try {
    if (config.accountsFile === undefined) return { set: loadAccounts(config, env) };
    const { rulesProblems: _checkedPerAccount, ...defaults } = accountDefaults(config, env);
    return { set: loadAccountsFile(config.accountsFile, env, defaults) };
  } catch (err) {
    if (!(err instanceof AccountsError)) throw err;
    return {
      failure: fail(
        'Accounts file valid',
        printable(err.message),
        'correct each problem named (docs/accounts.md describes the file); secrets are ${VARIABLE} references or *_file paths',
      ),
    };
  }
}

interface AccountContext {
  config: Config;
  env: Env;
  dispatcher: Dispatcher;
  /** One HEAD per alert URL, however many accounts share it. */
  alertChecks: Map<string, Promise<CheckResult>>;
  fromFile: boolean;
}

/** One account's checks, in the order a start needs them. */
async function checkAccount(ctx: AccountContext, account: Account): Promise<CheckResult[]> {
  const { config } = ctx;
  const results: CheckResult[] = [];
  if (ctx.fromFile && runsReceiver(config.role))
    results.push(
      ok(
        'Webhook secret token set',
        `${account.webhookSecrets.length} secret token(s) accepted on /webhooks/zoom/${account.name}`,
      ),
    );
  if (!runsWorker(config.role)) return results;
  const zoom = await checkZoom(
    () =>
      fetchAccessToken(ctx.dispatcher, {
        tokenUrl: config.zoom.oauthTokenUrl,
        ...account.zoom,
        timeoutMs: config.zoom.httpTimeoutMs,
      }),
    ctx.fromFile ? fileCredentialsFix(account.name) : CREDENTIALS_FIX,
  );
  results.push(...zoom.results);
  if (zoom.token !== undefined)
    results.push(
      await checkListCall({
        dispatcher: ctx.dispatcher,
        apiBaseUrl: config.zoom.apiBaseUrl,
        token: zoom.token,
        timeoutMs: config.zoom.httpTimeoutMs,
        users: account.reconcileUsers,
        ruleHosts: ruleHosts(rulesOrNone(account.rulesFile, ctx.env)),
        sweeps: config.reconcile.intervalMs > 0,
      }),
    );
  results.push(checkRules(account.rulesFile, ctx.env));
  results.push(await alertCheck(ctx, account));
  return results;
}

function alertCheck(ctx: AccountContext, account: Account): Promise<CheckResult> {
  const url = account.alertWebhookUrl;
  const own = ctx.fromFile && url !== undefined && url !== ctx.config.alertWebhookUrl;
  const setting = own ? `alert_webhook_url of account ${account.name}` : 'ALERT_WEBHOOK_URL';
  const key = `${url ?? ''}\n${setting}`;
  let check = ctx.alertChecks.get(key);
  if (!check) {
    check = checkAlerts(url, ctx.config.zoom.httpTimeoutMs, ctx.dispatcher, setting);
    ctx.alertChecks.set(key, check);
  }
  return check;
}

/** The account's rules, or none when they do not load (the rules check says why). */
function rulesOrNone(file: string | undefined, env: Env): readonly Rule[] {
  try {
    return file ? loadRules(file, env) : DEFAULT_RULES;
  } catch {
    return [];
  }
}

function fileCredentialsFix(name: string): string {
  return `copy Account ID, Client ID and Client Secret of account ${name}'s Server-to-Server OAuth app (Zoom App Marketplace → Manage → the app → App Credentials) into zoom_account_id, client_id and client_secret of account ${name} in ACCOUNTS_FILE (or the variables they reference), and make sure the app is activated`;
}

/** A result of this account's: it carries the name, and a failure's detail begins with it. */
function named(name: string): (result: CheckResult) => CheckResult {
  return (r) => ({
    ...r,
    account: name,
    ...(r.status === 'fail' && { detail: `account ${name}: ${r.detail ?? ''}` }),
  });
}
