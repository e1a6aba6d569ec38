import type { Account } from '../accounts/account-types';
import type { Logger } from '../logging/create-logger';
import type { Rule } from '../policy/rules';
import { createRulesStore, type RulesStore } from '../policy/rules-store';

export interface AccountRules {
  /** The account's rules as they stand at each call. */
  rulesFor(account: Account): () => readonly Rule[];
  /** Reads every account's own rules file again (SIGHUP); an invalid one keeps its rules. */
  reload(): void;
}

/**
 * The rules of each account: the deployment's store (`LIVESTREAM_RULES_FILE`, reloaded by the
 * service) for an account without a `rules_file` of its own, otherwise one store per file, shared
 * by the accounts that name it. The accounts file was checked with every rules file it names,
 * so a store is built from a file known to be valid.
 */
export function createAccountRules(
  deployment: { file: string | undefined; current: () => readonly Rule[] },
  env: Record<string, string | undefined>,
  log: Logger,
): AccountRules {
  const stores = new Map<string, RulesStore>();
  return {
    rulesFor(account) {
      const file = account.rulesFile;
      if (file === undefined || file === deployment.file) return deployment.current;
      let store = stores.get(file);
      if (!store) {
        store = createRulesStore(file, env, log);
        stores.set(file, store);
      }
      return store.current;
    },
    reload() {
      for (const store of stores.values()) store.reload();
    },
  };
}
