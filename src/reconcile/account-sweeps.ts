import { isDeepStrictEqual } from 'node:util';
import type { Queue } from 'bullmq';
import type { Account } from '../accounts/account-types';
import type { Alert } from '../alerts/alerts';
import type { StartJobData } from '../domain/start-job';
import type { Logger } from '../logging/create-logger';
import type { Rule } from '../policy/rules';
import type { RedisConnection } from '../redis/connect';
import type { ListClient } from './list-client';
import { createSweep } from './sweep';
import type { SweepReport } from './sweep-types';

export interface AccountSweepsDeps {
  /** The accounts in force (the registry): read at each sweep, so a reload reaches the next one. */
  accounts: { get(name: string): Account | undefined };
  /** The account's list calls, with its own token and its own pacing. */
  listFor: (account: Account) => ListClient | Promise<ListClient>;
  /** The start queue of the account's shard. */
  queueFor: (account: string) => Promise<Queue<StartJobData>>;
  /** The account's rules (its `rules_file`, or the deployment's). */
  rulesFor: (account: Account) => () => readonly Rule[];
  redis: RedisConnection;
  /** 0: no preflight. */
  preflightLeadMs: number;
  alert?: (alert: Alert) => Promise<unknown>;
  log: Logger;
  onReconciled?: (account: string) => void;
  stopping: () => boolean;
  now?: () => number;
}

type Sweep = () => Promise<SweepReport>;

/**
 * Each account's sweep, built the first time the account is swept and again once its settings
 * change (a reload with another secret, limit, rules file or user list); undefined for an
 * account no longer served. Each sweep covers that account's users with its credentials and
 * pacing, queues starts carrying the account into its shard, and keeps its own rotation point
 * and preflight marks.
 */
export function createAccountSweeps(
  deps: AccountSweepsDeps,
): (name: string) => Promise<Sweep | undefined> {
  const built = new Map<string, { account: Account; sweep: Sweep }>();
  return async (name) => {
    // Accounts a reload removed are never asked for again: forget their sweeps here.
    for (const known of built.keys()) if (!deps.accounts.get(known)) built.delete(known);
    const account = deps.accounts.get(name);
    if (!account) return undefined;
    const known = built.get(name);
    if (known && isDeepStrictEqual(known.account, account)) return known.sweep;
    const log = deps.log.child({ account: name });
    const rules = deps.rulesFor(account); // before the awaits, as the account stood when asked
    const sweep = createSweep({
      account: name,
      list: await deps.listFor(account),
      queue: await deps.queueFor(name),
      redis: deps.redis,
      users: account.reconcileUsers,
      rules,
      preflightLeadMs: deps.preflightLeadMs,
      ...(deps.alert && { alert: deps.alert }),
      log,
      ...(deps.now && { now: deps.now }),
      onReconciled: () => deps.onReconciled?.(name),
      stopping: deps.stopping,
    });
    built.set(name, { account, sweep });
    return sweep;
  };
}
