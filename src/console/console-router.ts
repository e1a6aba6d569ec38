import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../logging/create-logger';
import type { ConsoleUser } from '../accounts/account-types';
import { DEFAULT_ACCOUNT } from '../domain/account';
import type { OpenZoom } from './console-actions';
import { consoleAuth, principalOf } from './console-auth';
import { detailHandler, listInput, overviewInput, type ConsoleReader } from './console-pages';
import { actionHandlers } from './console-post';
import { chosenAccount, offeredAccounts, type ConsoleQueues } from './console-scope';
import { serveAssets } from './assets';
import { createCsrf } from './csrf';
import { renderList, renderOverview, renderRows, type PageContext } from './views';

export const CONSOLE_PATH = '/console';

export interface ConsoleDeps {
  /** Every shard's start queue and each account's (`StartQueues`). */
  queues: ConsoleQueues;
  /** The admin (`ADMIN_USERNAME` / `ADMIN_PASSWORD`), who sees every account; unset: none. */
  username?: string | undefined;
  password?: string | undefined;
  /** The console users of the accounts file in force; unset: none. */
  consoleUsers?: () => readonly ConsoleUser[];
  /** The accounts in force; unset: the one `default` account. */
  accountNames?: () => readonly string[];
  /** Keys the CSRF tokens (the same in every process); unset: derived from each user's secret. */
  csrfSecret?: string | undefined;
  /** A start waiting longer than this is listed under "Needs attention". */
  attentionAfterMs: number;
  log: Logger;
  /** How to reach an account's Zoom for a stop; without it the console offers no stop. */
  openZoom?: OpenZoom;
  now?: () => number;
}

/** The meetings console at `/console`, behind basic auth: the admin, or a console user. */
export function createConsoleRouter(deps: ConsoleDeps): Router {
  const csrf = createCsrf({ csrfSecret: deps.csrfSecret });
  const log = deps.log.child({ component: 'console' });
  const reader: ConsoleReader = {
    queues: deps.queues,
    accountNames: deps.accountNames ?? (() => [DEFAULT_ACCOUNT]),
    attentionAfterMs: deps.attentionAfterMs,
    openZoom: deps.openZoom,
    now: deps.now ?? Date.now,
  };
  const admin =
    deps.username !== undefined && deps.password !== undefined
      ? { username: deps.username, password: deps.password }
      : undefined;
  const router = Router();
  const base = CONSOLE_PATH;
  const users = deps.consoleUsers ?? (() => []);
  router.use(base, consoleAuth({ admin, users, now: reader.now }, 'zoom-livestream-worker'));
  router.use(base, securityHeaders);
  serveAssets(router, `${base}/assets`);
  const ctx = (req: Request, res: Response): PageContext => {
    const p = principalOf(res);
    const accounts = offeredAccounts(p, reader.accountNames());
    return {
      base,
      csrf: csrf.tokenFor(p),
      user: p.name,
      accounts,
      account: chosenAccount(p, req.query.account) ?? '',
      showAccount: accounts.length > 1,
    };
  };
  router.get(base, async (req, res) => {
    const [list, overview] = await Promise.all([
      listInput(reader, req, res),
      overviewInput(reader, req, res),
    ]);
    res.type('html').send(renderList(ctx(req, res), list, overview));
  });
  router.get(`${base}/rows`, async (req, res) => {
    res.type('html').send(renderRows(ctx(req, res), await listInput(reader, req, res)));
  });
  router.get(`${base}/overview`, async (req, res) => {
    res.type('html').send(renderOverview(ctx(req, res), await overviewInput(reader, req, res)));
  });
  router.get(`${base}/meetings/:jobId{/:part}`, detailHandler(reader, ctx));
  router.post(
    `${base}/actions/:action`,
    ...actionHandlers({
      queues: reader.queues,
      accountNames: reader.accountNames,
      log,
      csrf,
      openZoom: deps.openZoom,
      base,
    }),
  );
  return router;
}

/** No caching, no framing, and only the console's own scripts and styles. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
  });
  next();
};
