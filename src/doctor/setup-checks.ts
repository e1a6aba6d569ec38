import type { Dispatcher } from 'undici';
import { printable } from '../domain/plain-text';
import { loadRules } from '../policy/load-rules';
import { DEFAULT_RULES, type Rule } from '../policy/rules';
import { ZoomNetworkError } from '../zoom/errors';
import { sendOnce } from '../zoom/http';
import { fail, ok, type CheckResult } from './checklist';

/** The rules file parses and validates; the detail says which meetings each rule streams. */
export function checkRules(
  file: string | undefined,
  env: Record<string, string | undefined>,
): CheckResult {
  const title = 'Livestream rules valid';
  let rules: readonly Rule[];
  try {
    rules = file ? loadRules(file, env) : DEFAULT_RULES;
  } catch (err) {
    return fail(
      title,
      printable((err as Error).message),
      'correct the rules file (docs/livestream-policy.md); `rules test event.json` previews a rule',
    );
  }
  const source = file ? `from ${printable(file)}` : 'none configured (LIVESTREAM_RULES_FILE unset)';
  return ok(title, [`${source}; first match wins:`, ...rules.map(describeRule)].join('\n'));
}

/** One rule in words: what it does with which meetings. */
export function describeRule(rule: Rule): string {
  const m = rule.match;
  const what = [
    m.event && `${m.event}s`,
    m.meetingIds && `ids ${m.meetingIds.join(', ')}`,
    m.hostIds && `hosts ${m.hostIds.join(', ')}`,
    m.topic && `topic ${m.topic.source}`,
    m.meetingTypes && `types ${m.meetingTypes.join(', ')}`,
  ].filter(Boolean);
  const where = rule.stream ? ` to ${rule.stream.stream_url} (key redacted)` : '';
  return printable(
    `  ${rule.name}: ${rule.action === 'stream' ? 'streams' : 'skips'} ${what.length > 0 ? what.join(', ') : 'every meeting'}${where}`,
  );
}

/**
 * The alert endpoint is reachable, without sending an alert: a `HEAD` request (no body, so no
 * chat message and no page), which proves DNS, TCP, TLS and an HTTP answer. Any answer below 500
 * counts: many webhook endpoints refuse HEAD with 400, 404 or 405, and that is still an answer.
 */
export async function checkAlerts(
  url: string | undefined,
  timeoutMs: number,
  dispatcher: Dispatcher,
  /** What sets the URL, for the text: the variable, or an account's `alert_webhook_url`. */
  setting = 'ALERT_WEBHOOK_URL',
): Promise<CheckResult> {
  const title = 'Alert endpoint reachable (HEAD request, no alert sent)';
  if (!url) return { status: 'info', title, detail: `${setting} unset: no alerts are sent` };
  const origin = new URL(url).origin; // the path of a chat webhook is its secret
  try {
    const answer = await sendOnce(dispatcher, 'alert', url, {
      method: 'HEAD',
      headers: {},
      timeoutMs,
    });
    if (answer.status >= 500)
      return {
        status: 'warn',
        title,
        detail: `${origin} answered ${answer.status}`,
        fix: `the endpoint is reachable but failing; check the service behind ${setting}`,
      };
    return ok(title, `${origin} answered ${answer.status}`);
  } catch (err) {
    const code = err instanceof ZoomNetworkError ? err.causeCode : 'UNKNOWN';
    return fail(
      title,
      `no answer from ${origin} (${code})`,
      `check ${setting} and that this machine reaches it (DNS, proxy, firewall)`,
    );
  }
}
