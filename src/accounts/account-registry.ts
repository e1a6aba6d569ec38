import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../logging/create-logger';
import { AccountsError, type Account, type AccountSet } from './account-types';

/** What a reload changed, by account name. */
export interface AccountChange {
  added: string[];
  removed: string[];
  /** Same name, other settings (a rotated secret, a new limit, another rules file). */
  changed: string[];
}

export type ReloadResult = ({ ok: true } & AccountChange) | { ok: false; problems: string[] };

/**
 * The accounts in force, read again on `reload()` (SIGHUP). Every part of the service asks it
 * for an account by name at the moment it needs one, so a reload reaches each of them at its
 * next webhook, job or sweep; parts that keep per-account state listen with `onChange`.
 */
export interface AccountRegistry {
  current(): AccountSet;
  get(name: string): Account | undefined;
  names(): string[];
  /** Reads the accounts again; a broken file keeps the accounts in force and says why. */
  reload(): ReloadResult;
  onChange(listener: (change: AccountChange, set: AccountSet) => void): void;
}

export function createAccountRegistry(
  initial: AccountSet,
  read: () => AccountSet,
  log: Logger,
): AccountRegistry {
  let set = initial;
  let byName = index(set);
  const listeners: ((change: AccountChange, set: AccountSet) => void)[] = [];
  log.info({ file: set.file ?? null, accounts: [...byName.keys()] }, 'accounts loaded');
  return {
    current: () => set,
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
    reload() {
      let next: AccountSet;
      try {
        next = read();
      } catch (err) {
        const problems =
          err instanceof AccountsError ? [...err.problems] : [(err as Error).message];
        log.error(
          { file: set.file ?? null, problems },
          'accounts not reloaded: the file is invalid; the accounts in force stay',
        );
        return { ok: false, problems };
      }
      const change = diff(byName, index(next));
      set = next;
      byName = index(next);
      log.info({ file: set.file ?? null, ...change }, 'accounts reloaded');
      for (const listener of listeners) listener(change, set);
      return { ok: true, ...change };
    },
    onChange: (listener) => void listeners.push(listener),
  };
}

function index(set: AccountSet): Map<string, Account> {
  return new Map(set.accounts.map((a) => [a.name, a]));
}

function diff(before: Map<string, Account>, after: Map<string, Account>): AccountChange {
  const added = [...after.keys()].filter((n) => !before.has(n));
  const removed = [...before.keys()].filter((n) => !after.has(n));
  const changed = [...after.keys()].filter(
    (n) => before.has(n) && !isDeepStrictEqual(before.get(n), after.get(n)),
  );
  return { added, removed, changed };
}
