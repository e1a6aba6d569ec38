import type { Logger } from '../logging/create-logger';
import { loadRules } from './load-rules';
import { DEFAULT_RULES, RulesError, type Rule } from './rules';

export interface RulesStore {
  current: () => readonly Rule[];
  /** Re-reads the file (SIGHUP). An invalid file is logged and the rules in force are kept. */
  reload: () => void;
}

/** Loads the rules at start-up (throwing {@link RulesError}) and keeps them for the worker. */
export function createRulesStore(
  file: string | undefined,
  env: Record<string, string | undefined>,
  log: Logger,
): RulesStore {
  let rules: readonly Rule[] = file ? loadRules(file, env) : DEFAULT_RULES;
  log.info(
    { file: file ?? null, rules: rules.map((r) => `${r.name}:${r.action}`) },
    'livestream rules loaded',
  );
  return {
    current: () => rules,
    reload() {
      if (!file) return;
      try {
        rules = loadRules(file, env);
        log.info(
          { file, rules: rules.map((r) => `${r.name}:${r.action}`) },
          'livestream rules reloaded',
        );
      } catch (err) {
        const problems = err instanceof RulesError ? err.problems : [(err as Error).message];
        log.error(
          { file, problems },
          'livestream rules not reloaded: the file is invalid; the previous rules stay in force',
        );
      }
    },
  };
}
