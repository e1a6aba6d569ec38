import { randomBytes } from 'node:crypto';
import type { Answer } from './directory-types';

export interface SandboxCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

/** An account the OAuth endpoint knows: its name and its app's credentials. */
export interface OAuthAccount {
  name: string;
  credentials: SandboxCredentials;
}

const basic = (c: SandboxCredentials) =>
  `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;

/**
 * The sandbox's `POST /oauth/token` (Server-to-Server OAuth, `account_credentials` grant, Basic
 * auth) for every account it plays, and the bearer tokens it issued, each valid for
 * `tokenTtlSeconds` and good only for the account whose credentials fetched it.
 */
export function createSandboxOAuth(
  accounts: () => readonly OAuthAccount[],
  tokenTtlSeconds: number,
  now: () => number,
) {
  const tokens = new Map<string, { expiry: number; account: string }>();

  /** The token call's answer, and the account whose credentials it carried (if any). */
  function issue(
    method: string,
    authorization: string | undefined,
    url: URL,
  ): Answer & { account?: string } {
    if (method !== 'POST') return { status: 405, body: { reason: 'method not allowed' } };
    // The app the Basic credentials name (its client id), even when their secret is wrong.
    const basicValue = /^Basic (.+)$/.exec(authorization ?? '')?.[1] ?? '';
    const clientId = Buffer.from(basicValue, 'base64').toString().split(':')[0];
    const named = accounts().find((a) => a.credentials.clientId === clientId);
    const account = named && basic(named.credentials) === authorization ? named : undefined;
    if (!account) {
      return {
        status: 400,
        body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' },
        ...(named && { account: named.name }),
      };
    }
    if (url.searchParams.get('grant_type') !== 'account_credentials') {
      return {
        status: 400,
        body: { reason: 'Unsupported grant type', error: 'unsupported_grant_type' },
        account: account.name,
      };
    }
    if (url.searchParams.get('account_id') !== account.credentials.accountId) {
      return {
        status: 400,
        body: { reason: 'Invalid request : Account does not exist', error: 'invalid_request' },
        account: account.name,
      };
    }
    const token = `sandbox.${randomBytes(16).toString('hex')}`;
    tokens.set(token, { expiry: now() + tokenTtlSeconds * 1000, account: account.name });
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: 'bearer',
        expires_in: tokenTtlSeconds,
        scope: 'meeting:write:admin',
        api_url: 'https://api.zoom.us',
      },
      account: account.name,
    };
  }

  /** The account whose unexpired token the `Authorization` header carries, else undefined. */
  function accountOf(authorization: string | undefined): string | undefined {
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const issued = bearer ? tokens.get(bearer) : undefined;
    return issued !== undefined && issued.expiry >= now() ? issued.account : undefined;
  }

  /** Invalidates the tokens of one account, or of all. */
  function revoke(account?: string): void {
    for (const [token, issued] of tokens)
      if (account === undefined || issued.account === account) tokens.delete(token);
  }

  return { issue, accountOf, revoke };
}

export type SandboxOAuth = ReturnType<typeof createSandboxOAuth>;
