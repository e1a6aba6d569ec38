import { sandboxControl } from './sandbox-control';
import type { Answer, SandboxDirectory } from './sandbox-directory';
import { matchLivestream, type createLivestreamEndpoint } from './sandbox-livestream';
import type { SandboxOAuth } from './sandbox-oauth';
import type { RecordedRequest } from './sandbox-reply';

export interface SandboxApiParts {
  directory: SandboxDirectory;
  oauth: SandboxOAuth;
  livestream: ReturnType<typeof createLivestreamEndpoint>;
}

/**
 * Routes an API call (anything but `/oauth/token`): the sandbox's control endpoints, then Zoom's
 * 404/405, the bearer token (401, code 124), the list GETs and the livestream PATCHes.
 */
export function createSandboxApi({ directory, oauth, livestream }: SandboxApiParts) {
  return (record: RecordedRequest, url: URL): Answer => {
    if (url.pathname.startsWith('/sandbox/'))
      return sandboxControl(directory, record.method, url.pathname, record.body);
    const listed = record.method === 'GET' ? directory.route(url.pathname) : undefined;
    const call = matchLivestream(url.pathname);
    if (!call && !listed) return { status: 404, body: { code: 404, message: 'Not found' } };
    if (!listed && record.method !== 'PATCH')
      return { status: 405, body: { code: 405, message: 'Method not allowed' } };
    if (!oauth.authorized(record.headers.authorization))
      return { status: 401, body: { code: 124, message: 'Invalid access token.' } };
    if (listed) return directory.get(listed, url.searchParams);
    if (!call) return { status: 404, body: { code: 404, message: 'Not found' } };
    return livestream(call, record);
  };
}
