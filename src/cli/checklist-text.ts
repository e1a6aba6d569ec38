import type { CheckResult } from '../doctor/checklist';

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
