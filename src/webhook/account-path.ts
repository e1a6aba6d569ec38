import { DEFAULT_ACCOUNT, isAccountName } from '../domain/account';

/** The span route of each kind of webhook path (never the account name itself). */
export const DEFAULT_ROUTE = '/webhooks/zoom';
export const NAMED_ROUTE = '/webhooks/zoom/{name}';
export type WebhookRoute = typeof DEFAULT_ROUTE | typeof NAMED_ROUTE;

/** What a webhook path names: an account by a well-formed name, or a segment that is no name. */
export type WebhookPath =
  { route: WebhookRoute; name: string } | { route: WebhookRoute; name: undefined; segment: string };

const PREFIX = '/webhooks/zoom';

/**
 * The account a request path is for: `/webhooks/zoom` is the default account's, and
 * `/webhooks/zoom/{name}` that account's (a trailing `/` allowed, as Express routes allow it).
 * The name is read as sent, never decoded: a well-formed name needs no escape, so anything with
 * `%`, upper case or a further `/` is no name. Undefined for a path that is not a webhook path.
 */
export function webhookPath(path: string): WebhookPath | undefined {
  if (path.length < PREFIX.length || path.slice(0, PREFIX.length).toLowerCase() !== PREFIX) {
    return undefined;
  }
  const rest = path.slice(PREFIX.length);
  if (rest === '' || rest === '/') return { route: DEFAULT_ROUTE, name: DEFAULT_ACCOUNT };
  if (rest[0] !== '/') return undefined; // `/webhooks/zoomx`
  const segment = rest.endsWith('/') ? rest.slice(1, -1) : rest.slice(1);
  return isAccountName(segment)
    ? { route: NAMED_ROUTE, name: segment }
    : { route: NAMED_ROUTE, name: undefined, segment };
}
