import type { Dispatcher } from 'undici';
import type { AccountRegistry } from '../accounts/account-registry';
import type { Account } from '../accounts/account-types';
import type { Alert } from '../alerts/alerts';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { RulesBook } from '../policy/rules-book';
import type { Rule } from '../policy/rules';
import { shardPrefix, type ShardMap } from '../queue/shards';
import type { RedisConnection } from '../redis/connect';
import type { Tracing } from '../telemetry/tracing';
import type { CredentialsState } from '../zoom/token-provider';
import { createAccountZoom, type AccountZoom, type ZoomHooks } from '../zoom/zoom-stack';

/** Everything the worker uses for one account's starts. */
export interface AccountSide extends AccountZoom {
  /** The registry's name of the account (safe in logs, keys and metric labels). */
  name: string;
  rules: () => readonly Rule[];
  /** Queues an alert naming the account; absent when it has no alert endpoint. */
  alert: ((a: Alert) => Promise<unknown>) | undefined;
}

export interface AccountSides {
  /** The account's side, built the first time it is asked for; undefined when not an account. */
  get(name: string): Promise<AccountSide | undefined>;
  /** What Zoom last said of each account's credentials (`unknown` until it is asked). */
  credentials(): { account: string; state: CredentialsState }[];
  /** Asks Zoom for a token for each named account now, in parallel (start-up, after a reload). */
  verify(names: readonly string[]): Promise<void>;
}

export interface AccountSidesDeps {
  config: Config;
  accounts: AccountRegistry;
  redis: RedisConnection;
  /** One dispatcher for every account's calls. */
  dispatcher: Dispatcher;
  shardMap: ShardMap;
  rules: RulesBook;
  /** How to raise an alert about an account (undefined: no account has an endpoint). */
  alerts: ((account: string) => ((a: Alert) => Promise<unknown>) | undefined) | undefined;
  /** The metrics hooks of one account's Zoom calls. */
  hooks: (account: string) => ZoomHooks;
  log: Logger;
  tracing?: Tracing;
}

/**
 * Each account's Zoom side (token, pacer, client), rules and alerts, built on its first job and
 * built again after a reload changes the account (a rotated secret takes effect at its next job);
 * a removed account has none. Runs in flight keep the side they started with.
 */
export function createAccountSides(deps: AccountSidesDeps): AccountSides {
  const building = new Map<string, Promise<AccountSide>>();
  const built = new Map<string, AccountSide>();
  const get = (name: string): Promise<AccountSide | undefined> => {
    const account = deps.accounts.get(name);
    if (!account) return Promise.resolve(undefined);
    let side = building.get(name);
    if (!side) {
      side = build(deps, account);
      building.set(name, side);
      side.then(
        (s) => building.get(name) === side && built.set(name, s),
        () => building.get(name) === side && building.delete(name), // asked again next time
      );
    }
    return side;
  };
  deps.accounts.onChange(({ removed, changed }) => {
    for (const name of [...removed, ...changed]) {
      building.delete(name);
      built.delete(name);
    }
  });
  return {
    get,
    credentials: () =>
      deps.accounts.names().map((account) => ({
        account,
        state: built.get(account)?.tokens.credentials() ?? 'unknown',
      })),
    async verify(names) {
      await Promise.all(
        names.map(async (name) => {
          const side = await get(name).catch((err: Error) => {
            deps.log.error({ account: name, err: { message: err.message } }, 'account not ready');
            return undefined;
          });
          if (side && (await side.tokens.verify()) === 'accepted')
            deps.log.info({ account: name }, 'zoom credentials accepted');
        }),
      );
    },
  };
}

async function build(deps: AccountSidesDeps, account: Account): Promise<AccountSide> {
  const { config, log } = deps;
  const name = account.name;
  // Before the await: a reload meanwhile may forget this (by then former) file.
  const rules = deps.rules.forFile(account.rulesFile);
  const shard = await deps.shardMap.shardOf(name);
  const zoom = createAccountZoom({
    config,
    account: { name, ...account.zoom },
    redis: deps.redis,
    dispatcher: deps.dispatcher,
    shardPrefix: shardPrefix(config.redis.queuePrefix, shard),
    log: log.child({ account: name }),
    hooks: deps.hooks(name),
    ...(deps.tracing && { tracing: deps.tracing }),
  });
  return {
    ...zoom,
    name,
    rules,
    alert: deps.alerts?.(name),
  };
}
