import type { Logger } from '../logging/create-logger';
import type { Rule } from './rules';
import { createRulesStore, type RulesStore } from './rules-store';

/** The rules of every rules file in use: one store per distinct file, shared by its accounts. */
export interface RulesBook {
  /** The rules in force for `file` (undefined: the default rules); the file is read the first time. */
  forFile(file: string | undefined): () => readonly Rule[];
  /** Re-reads every file in use (SIGHUP); an invalid one keeps its rules in force. */
  reload(): void;
  /**
   * Forgets the files not among `inUse` (after the accounts changed): a file no account names any
   * more is not read again; named again later, it is read afresh.
   */
  retain(inUse: Iterable<string | undefined>): void;
}

/** `seed` is the store the service already loaded (`LIVESTREAM_RULES_FILE`). */
export function createRulesBook(
  env: Record<string, string | undefined>,
  log: Logger,
  seed?: { file: string | undefined; store: RulesStore },
): RulesBook {
  const stores = new Map<string | undefined, RulesStore>();
  if (seed) stores.set(seed.file, seed.store);
  return {
    forFile(file) {
      let store = stores.get(file);
      if (!store) {
        // Throws for an invalid file: the accounts loader checked it, so only a file broken since.
        store = createRulesStore(file, env, log);
        stores.set(file, store);
      }
      return store.current;
    },
    reload() {
      for (const store of stores.values()) store.reload();
    },
    retain(inUse) {
      const keep = new Set(inUse);
      if (seed) keep.add(seed.file); // the deployment's own file, read at start-up
      for (const file of stores.keys()) if (!keep.has(file)) stores.delete(file);
    },
  };
}
