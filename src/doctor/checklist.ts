/**
 * One line of the doctor's checklist, as data: the CLI formats it. `warn` and `info` do not fail
 * the run.
 */
export interface CheckResult {
  status: 'ok' | 'fail' | 'warn' | 'info';
  title: string;
  /** What was found (never a secret). */
  detail?: string;
  /** What to do about a failure or warning. */
  fix?: string;
  /** The account checked, when the accounts come from `ACCOUNTS_FILE` (the CLI groups by it). */
  account?: string;
}

export const ok = (title: string, detail?: string): CheckResult => ({
  status: 'ok',
  title,
  ...(detail !== undefined && { detail }),
});
export const fail = (title: string, detail: string, fix: string): CheckResult => ({
  status: 'fail',
  title,
  detail,
  fix,
});
