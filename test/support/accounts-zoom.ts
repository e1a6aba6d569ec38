import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Zoom account the fake knows: its Server-to-Server app's credentials. */
export interface FakeAccount {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

/** A livestream call as it reached the fake: which account's token it carried. */
export interface FakeCall {
  at: number;
  /** The Zoom account id the bearer token was issued to (undefined: not a token of ours). */
  accountId: string | undefined;
  meetingId: string;
  path: string;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: object;
}

export interface AccountsZoom {
  origin: string;
  apiBaseUrl: string;
  oauthTokenUrl: string;
  /** The accounts and their credentials (change one to rotate its secret). */
  accounts: Map<string, FakeAccount>;
  /** OAuth requests: the account id asked for and whether the credentials were right. */
  oauth: { accountId: string | null; ok: boolean }[];
  calls: FakeCall[];
  /** Answers for the next livestream calls carrying this account's token, before the default 204. */
  script(accountId: string, ...answers: FakeAnswer[]): void;
  close(): Promise<void>;
}

/**
 * A Zoom stand-in for several accounts at once: each account's app gets tokens only with its own
 * Basic credentials, and every livestream call is recorded with the account its token belongs to.
 */
export async function startAccountsZoom(accounts: FakeAccount[]): Promise<AccountsZoom> {
  const known = new Map(accounts.map((a) => [a.accountId, { ...a }]));
  const tokens = new Map<string, string>();
  const scripts = new Map<string, FakeAnswer[]>();
  const oauth: AccountsZoom['oauth'] = [];
  const calls: FakeCall[] = [];
  const reply = (res: ServerResponse, a: FakeAnswer) => {
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(a.body ? JSON.stringify(a.body) : undefined);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/oauth/token') {
      const accountId = url.searchParams.get('account_id');
      const app = accountId === null ? undefined : known.get(accountId);
      const basic =
        app && `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
      const ok = app !== undefined && req.headers.authorization === basic;
      oauth.push({ accountId, ok });
      if (!ok)
        return reply(res, {
          status: 400,
          body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' },
        });
      const token = `t-${accountId}-${randomBytes(6).toString('hex')}`;
      tokens.set(token, accountId!);
      return reply(res, {
        status: 200,
        body: { access_token: token, token_type: 'bearer', expires_in: 3600 },
      });
    }
    const match = /^\/v2\/(?:meetings|webinars)\/([^/]+)\/livestream/.exec(url.pathname);
    if (!match) return reply(res, { status: 404, body: { code: 404, message: 'not found' } });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const accountId = bearer === undefined ? undefined : tokens.get(bearer);
    calls.push({ at: Date.now(), accountId, meetingId: match[1]!, path: url.pathname });
    if (accountId === undefined)
      return reply(res, { status: 401, body: { code: 124, message: 'Invalid access token.' } });
    const next = scripts.get(accountId)?.shift();
    return reply(res, next ?? { status: 204 });
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    apiBaseUrl: `${origin}/v2`,
    oauthTokenUrl: `${origin}/oauth/token`,
    accounts: known,
    oauth,
    calls,
    script: (accountId, ...answers) =>
      void scripts.set(accountId, [...(scripts.get(accountId) ?? []), ...answers]),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
