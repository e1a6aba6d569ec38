import type { CheckResult } from '../doctor/checklist';

const MARK: Record<CheckResult['status'], string> = {
  ok: '[ok]  ',
  fail: '[FAIL]',
  warn: '[warn]',
  info: '[info]',
};

/**
 * The checklist as text: a mark and title per check, then what was found and the fix. An
 * account's checks follow an `account <name>` heading; the last line counts the failures and
 * names the accounts they belong to.
 */
export function formatChecklist(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  let group: string | undefined;
  for (const r of results) {
    if (r.account !== group) {
      group = r.account;
      if (group !== undefined) lines.push('', `account ${group}`);
    }
    lines.push(`${MARK[r.status]} ${r.title}`);
    for (const line of (r.detail ?? '').split('\n').filter(Boolean)) lines.push(`       ${line}`);
    if (r.fix) lines.push(`       fix: ${r.fix}`);
  }
  const failed = results.filter((r) => r.status === 'fail');
  const accounts = [...new Set(failed.flatMap((r) => (r.account ? [r.account] : [])))];
  const where = accounts.length > 0 ? ` (account ${accounts.join(', ')})` : '';
  if (group !== undefined) lines.push('');
  lines.push(
    failed.length === 0
      ? 'all checks passed'
      : `${failed.length} check${failed.length === 1 ? '' : 's'} failed${where}`,
  );
  return lines.join('\n');
}
