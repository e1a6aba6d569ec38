import { spawn } from 'node:child_process';

/**
 * A stand-in Zoom in a process of its own, so the times it records are when calls really
 * arrived, whatever the test process (a loaded worker) is doing. Without accounts it issues any
 * token and answers every livestream call 204. With accounts, each account's app gets a token
 * only with its own Basic credentials, each start is recorded under the account whose token it
 * carried, and an account with `throttleEvery` has every such call of its answered with an
 * account-level 429 (`X-RateLimit-Type: QPS`, `Retry-After: 1`).
 */
const SERVER = `
const http = require('node:http');
const accounts = JSON.parse(process.argv[1]);
const arrivals = [];
const starts = new Map();
const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
function token(req, url, res) {
  if (accounts.length === 0)
    return json(res, 200, { access_token: 't', token_type: 'bearer', expires_in: 3600 });
  const app = accounts.find((a) => a.accountId === url.searchParams.get('account_id'));
  const basic = app && 'Basic ' + Buffer.from(app.clientId + ':' + app.clientSecret).toString('base64');
  if (!app || req.headers.authorization !== basic)
    return json(res, 400, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
  json(res, 200, { access_token: 't-' + app.accountId, token_type: 'bearer', expires_in: 3600 });
}
function start(req, res, at) {
  const bearer = (req.headers.authorization || '').replace(/^Bearer /, '');
  const app = accounts.find((a) => 't-' + a.accountId === bearer);
  const account = app ? app.accountId : null;
  arrivals.push({ at, account });
  if (accounts.length > 0 && !app) return json(res, 401, { code: 124, message: 'Invalid access token.' });
  const n = (starts.get(account) || 0) + 1;
  starts.set(account, n);
  if (app && app.throttleEvery && n % app.throttleEvery === 0)
    return json(res, 429, { code: 429, message: 'You have reached the maximum per-second rate limit for this API.' },
      { 'x-ratelimit-type': 'QPS', 'retry-after': '1' });
  res.writeHead(204).end();
}
const server = http.createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  const url = new URL(req.url, 'http://zoom');
  req.resume();
  req.on('end', () => {
    if (url.pathname === '/oauth/token') return token(req, url, res);
    if (url.pathname === '/arrivals') {
      const account = url.searchParams.get('account');
      return json(res, 200, arrivals.filter((a) => account === null || a.account === account).map((a) => a.at));
    }
    if (url.pathname.endsWith('/livestream/status')) return start(req, res, at);
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/** A Zoom account the stand-in knows: its app's credentials, and how often it refuses a start. */
export interface ArrivalsAccount {
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** Every `throttleEvery`-th start call of the account gets an account-level 429 (1 s). */
  throttleEvery?: number;
}

export interface ArrivalsServer {
  origin: string;
  /** When start calls arrived (ms since epoch): every one, or one Zoom account's. */
  arrivals(accountId?: string): Promise<number[]>;
  close(): void;
}

export async function startArrivalsServer(
  accounts: readonly ArrivalsAccount[] = [],
): Promise<ArrivalsServer> {
  const child = spawn(process.execPath, ['-e', SERVER, JSON.stringify(accounts)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`arrivals server exited with ${code}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    arrivals: async (accountId) => {
      const query = accountId === undefined ? '' : `?account=${encodeURIComponent(accountId)}`;
      return (await (await fetch(`${origin}/arrivals${query}`)).json()) as number[];
    },
    close: () => void child.kill('SIGKILL'),
  };
}

/** The most calls that arrived within any one window of `windowMs`. */
export function maxInWindow(arrivals: number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
