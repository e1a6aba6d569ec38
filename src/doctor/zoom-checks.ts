import { printable } from '../domain/plain-text';
import type { FetchedToken } from '../zoom/oauth';
import { ZoomApiError, ZoomCredentialsError, ZoomError, ZoomNetworkError } from '../zoom/errors';
import { fail, ok, type CheckResult } from './checklist';

/**
 * Scopes that allow the livestream calls: the classic admin scope, or the granular ones.
 * @see https://developers.zoom.us/docs/api/meetings/#tag/meetings/PATCH/meetings/{meetingId}/livestream/status
 */
const NEEDED = {
  meetings: ['meeting:write:admin', 'meeting:update:livestream_status:admin'],
  webinars: ['webinar:write:admin', 'webinar:update:livestream_status:admin'],
} as const;

export const CREDENTIALS_FIX =
  'copy Account ID, Client ID and Client Secret of your Server-to-Server OAuth app (Zoom App Marketplace → Manage → the app → App Credentials) into ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET, and make sure the app is activated';

const TITLE = 'Zoom accepts the OAuth credentials';

/**
 * One OAuth request with the configured credentials, and the scopes Zoom says it granted; the
 * token, when Zoom issued one, for the checks that call Zoom with it.
 */
export async function checkZoom(
  fetchToken: () => Promise<FetchedToken>,
  credentialsFix = CREDENTIALS_FIX,
): Promise<{ results: CheckResult[]; token?: string }> {
  let token: FetchedToken;
  try {
    token = await fetchToken();
  } catch (err) {
    return { results: [tokenFailure(err, credentialsFix)] };
  }
  const issued = ok(TITLE, `token issued for ${token.expiresInSec} s`);
  if (token.scopes === undefined)
    return {
      results: [
        issued,
        {
          status: 'info',
          title: 'Zoom scopes',
          detail: 'Zoom did not list the granted scopes; not checked',
        },
      ],
      token: token.accessToken,
    };
  return { results: [issued, ...checkScopes(token.scopes)], token: token.accessToken };
}

/** Why the token request failed and what to fix; an error that is not Zoom's is thrown on. */
function tokenFailure(err: unknown, credentialsFix: string): CheckResult {
  if (err instanceof ZoomCredentialsError)
    return fail(
      TITLE,
      `Zoom rejected the credentials: it answered ${err.status}${reason(err.reason)}`,
      credentialsFix,
    );
  if (err instanceof ZoomNetworkError)
    return fail(
      TITLE,
      `no usable answer from the token endpoint (${err.causeCode})`,
      'check ZOOM_OAUTH_TOKEN_URL and that this machine reaches it (DNS, proxy, firewall)',
    );
  if (err instanceof ZoomApiError)
    return fail(
      TITLE,
      `Zoom answered ${err.status}${reason(err.zoomMessage)}`,
      'try again later; if it persists, check Zoom status and ZOOM_OAUTH_TOKEN_URL',
    );
  if (err instanceof ZoomError) return fail(TITLE, err.message, credentialsFix);
  throw err;
}

/** The granted scopes cover meeting live streams (needed) and webinar ones (warned about). */
function checkScopes(scopes: readonly string[]): CheckResult[] {
  const has = (names: readonly string[]) => names.some((n) => scopes.includes(n));
  return [
    has(NEEDED.meetings)
      ? ok(
          'Zoom scopes for meeting live streams',
          NEEDED.meetings.filter((n) => has([n])).join(', '),
        )
      : fail(
          'Zoom scopes for meeting live streams',
          `granted: ${printable(scopes.join(' ')) || 'none'}`,
          `add ${NEEDED.meetings.join(' or ')} to the app's scopes (App Marketplace → the app → Scopes), then re-activate it`,
        ),
    has(NEEDED.webinars)
      ? ok(
          'Zoom scopes for webinar live streams',
          NEEDED.webinars.filter((n) => has([n])).join(', '),
        )
      : {
          status: 'warn',
          title: 'Zoom scopes for webinar live streams',
          detail: 'not granted: webinars will not be streamed',
          fix: `if you stream webinars, add ${NEEDED.webinars.join(' or ')}`,
        },
  ];
}

const reason = (text: string) => (text ? `: ${printable(text).slice(0, 200)}` : '');
