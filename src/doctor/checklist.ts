/** One line of the doctor's checklist. `warn` and `info` do not fail the run. */
export interface CheckResult {
  status: 'ok' | 'fail' | 'warn' | 'info';
  title: string;
  /** What was found (never a secret). */
  detail?: string;
  /** What to do about a failure or warning. */
  fix?: string;
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

const MARK: Record<CheckResult['status'], string> = {
  ok: '[ok]  ',
  fail: '[FAIL]',
  warn: '[warn]',
  info: '[info]',
};

/** The checklist as text: a mark and title per check, then what was found and the fix. */
export function formatChecklist(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${MARK[r.status]} ${r.title}`);
    for (const line of (r.detail ?? '').split('\n').filter(Boolean)) lines.push(`       ${line}`);
    if (r.fix) lines.push(`       fix: ${r.fix}`);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  lines.push(
    failed === 0 ? 'all checks passed' : `${failed} check${failed === 1 ? '' : 's'} failed`,
  );
  return lines.join('\n');
}
