import type { Answer } from './directory-types';
import type { SandboxAccount } from './sandbox-account';
import { sandboxControl } from './sandbox-control';
import { listRoute } from './sandbox-directory';
import { matchLivestream } from './sandbox-livestream';
import type { SandboxOAuth } from './sandbox-oauth';
import type { RecordedRequest } from './sandbox-reply';

export interface SandboxApiParts {
  accounts: ReadonlyMap<string, SandboxAccount>;
  oauth: SandboxOAuth;
}

/**
 * Routes an API call (anything but `/oauth/token`): the sandbox's control endpoints, then Zoom's
 * 404/405, the bearer token (401, code 124), whose account answers the call: its rate limit
 * (account-level 429), its list GETs and its livestream PATCHes.
 */
export function createSandboxApi({ accounts, oauth }: SandboxApiParts) {
  return (record: RecordedRequest, url: URL): Answer | Promise<Answer> => {
    if (url.pathname.startsWith('/sandbox/'))
      return sandboxControl(accounts, record.method, url.pathname, record.body);
    const route = record.method === 'GET' ? listRoute(url.pathname) : undefined;
    const call = matchLivestream(url.pathname);
    if (!call && !route) return { status: 404, body: { code: 404, message: 'Not found' } };
    if (!route && record.method !== 'PATCH')
      return { status: 405, body: { code: 405, message: 'Method not allowed' } };
    const name = oauth.accountOf(record.headers.authorization);
    const account = name === undefined ? undefined : accounts.get(name);
    if (!account) return { status: 401, body: { code: 124, message: 'Invalid access token.' } };
    record.account = account.name;
    const limited = account.limit.admit();
    if (limited) return limited;
    if (route) return account.directory.get(route, url.searchParams);
    if (!call) return { status: 404, body: { code: 404, message: 'Not found' } };
    return account.livestream(call, record);
  };
}
