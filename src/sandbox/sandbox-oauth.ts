import { randomBytes } from 'node:crypto';
import type { Answer } from './directory-types';

export interface SandboxCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The sandbox's `POST /oauth/token` (Server-to-Server OAuth, `account_credentials` grant, Basic
 * auth) and the bearer tokens it issued, each valid for `tokenTtlSeconds`.
 */
export function createSandboxOAuth(
  credentials: SandboxCredentials,
  tokenTtlSeconds: number,
  now: () => number,
) {
  const tokens = new Map<string, number>();
  const expected = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;

  function issue(method: string, authorization: string | undefined, url: URL): Answer {
    if (method !== 'POST') return { status: 405, body: { reason: 'method not allowed' } };
    if (authorization !== expected) {
      return {
        status: 400,
        body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' },
      };
    }
    if (url.searchParams.get('grant_type') !== 'account_credentials') {
      return {
        status: 400,
        body: { reason: 'Unsupported grant type', error: 'unsupported_grant_type' },
      };
    }
    if (url.searchParams.get('account_id') !== credentials.accountId) {
      return {
        status: 400,
        body: { reason: 'Invalid request : Account does not exist', error: 'invalid_request' },
      };
    }
    const token = `sandbox.${randomBytes(16).toString('hex')}`;
    tokens.set(token, now() + tokenTtlSeconds * 1000);
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: 'bearer',
        expires_in: tokenTtlSeconds,
        scope: 'meeting:write:admin',
        api_url: 'https://api.zoom.us',
      },
    };
  }

  /** True when the `Authorization` header carries a token issued here and not yet expired. */
  function authorized(authorization: string | undefined): boolean {
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const expiry = bearer ? tokens.get(bearer) : undefined;
    return expiry !== undefined && expiry >= now();
  }

  return { issue, authorized, revoke: () => tokens.clear() };
}

export type SandboxOAuth = ReturnType<typeof createSandboxOAuth>;
