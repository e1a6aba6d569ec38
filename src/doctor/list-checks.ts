import type { Dispatcher } from 'undici';
import type { ReconcileUsers } from '../config/reconcile-config';
import { printable } from '../domain/plain-text';
import { answerError, sendOnce } from '../zoom/http';
import { ZoomNetworkError } from '../zoom/errors';
import { fail, ok, type CheckResult } from './checklist';

const TITLE = "Zoom answers the sweep's list call";

export interface ListCheckOptions {
  dispatcher: Dispatcher;
  apiBaseUrl: string;
  token: string;
  timeoutMs: number;
  /** Whose meetings the account's sweep asks about. */
  users: ReconcileUsers;
  /** The hosts the account's rules name (the sweep's users when `users` is `rules`). */
  ruleHosts: readonly string[];
  /** False when `RECONCILE_INTERVAL_MS=0`: no sweep, nothing to check. */
  sweeps: boolean;
}

/**
 * One list call as the account's sweep makes it first, with the account's token: `GET /users`
 * when it sweeps every user, else the first user's live meetings. Proves the list scopes the
 * sweep needs (a token can start streams and still be refused the lists). One page of one item:
 * nothing is listed beyond what the check needs.
 */
export async function checkListCall(options: ListCheckOptions): Promise<CheckResult> {
  if (!options.sweeps)
    return {
      status: 'info',
      title: TITLE,
      detail: 'no sweep (RECONCILE_INTERVAL_MS=0): not checked',
    };
  const target = listTarget(options.users, options.ruleHosts);
  if (target === undefined)
    return {
      status: 'info',
      title: TITLE,
      detail:
        'the sweep has no users (no reconcile users set, and no streaming rule names host_ids): not checked',
    };
  const url = new URL(`${options.apiBaseUrl}${target.path}`);
  for (const [name, value] of Object.entries(target.query)) url.searchParams.set(name, value);
  try {
    const answer = await sendOnce(options.dispatcher, 'list', url.toString(), {
      method: 'GET',
      headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
      timeoutMs: options.timeoutMs,
    });
    if (answer.status < 300) return ok(TITLE, `GET ${target.shown}: ${answer.status}`);
    const error = answerError('list', answer, Date.now());
    const why = error.zoomMessage ? `: ${printable(error.zoomMessage).slice(0, 200)}` : '';
    return fail(
      TITLE,
      `GET ${target.shown}: Zoom answered ${error.status}${error.zoomCode !== undefined ? ` code ${error.zoomCode}` : ''}${why}`,
      'give the app the list scopes (user:read:admin or user:read:list_users:admin, meeting:read:admin or meeting:read:list_meetings:admin), and check that the reconcile users belong to this Zoom account',
    );
  } catch (err) {
    const code = err instanceof ZoomNetworkError ? err.causeCode : 'UNKNOWN';
    return fail(
      TITLE,
      `no usable answer from ${url.origin} (${code})`,
      'check ZOOM_API_BASE_URL and that this machine reaches it (DNS, proxy, firewall)',
    );
  }
}

function listTarget(
  users: ReconcileUsers,
  ruleHosts: readonly string[],
): { path: string; query: Record<string, string>; shown: string } | undefined {
  if (users.kind === 'all')
    return { path: '/users', query: { status: 'active', page_size: '1' }, shown: '/users' };
  const first = users.kind === 'list' ? users.ids[0] : ruleHosts[0];
  if (first === undefined) return undefined;
  const path = `/users/${encodeURIComponent(first)}/meetings`;
  return {
    path,
    query: { type: 'live', page_size: '1' },
    shown: printable(`/users/${first}/meetings`),
  };
}
