import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Queue } from 'bullmq';
import type { Logger } from '../logging/create-logger';
import type { ConsoleUser } from '../accounts/account-types';
import { DEFAULT_ACCOUNT } from '../domain/account';
import type { StartJobData } from '../domain/start-job';
import { describeJob } from '../status/meeting-status';
import { readOverview } from '../status/overview';
import { readInstanceFacts } from '../queue/start-queue';
import type { OpenZoom } from './console-actions';
import { consoleAuth, principalOf, type Principal } from './console-auth';
import { actionHandlers } from './console-post';
import {
  chosenAccount,
  findJob,
  offeredAccounts,
  readPage,
  scopeOf,
  singleQueue,
  type ConsoleQueues,
} from './console-scope';
import { serveAssets } from './assets';
import { createCsrf } from './csrf';
import { MEETING_STATES } from '../domain/start-progress';
import { pageView, SOURCES } from './view-model';
import {
  renderDetail,
  renderDetailFragment,
  renderList,
  renderOverview,
  renderRows,
  type ListInput,
  type OverviewInput,
  type PageContext,
} from './views';

export const CONSOLE_PATH = '/console';
const PAGE_SIZE = 50;

export interface ConsoleDeps {
  /** The start queue of a deployment of one shard (and the one `queues` defaults to). */
  queue: Queue<StartJobData>;
  /** Every shard's start queue and each account's; unset: `queue` for every account. */
  queues?: ConsoleQueues;
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

const pick = <T extends string>(values: readonly T[], v: unknown): T | undefined =>
  values.find((x) => x === v);

/** The meetings console at `/console`, behind basic auth: the admin, or a console user. */
export function createConsoleRouter(deps: ConsoleDeps): Router {
  const csrf = createCsrf({ csrfSecret: deps.csrfSecret });
  const log = deps.log.child({ component: 'console' });
  const reader: ConsoleReader = {
    queues: deps.queues ?? singleQueue(deps.queue),
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

/** What the pages read from: the queues, the accounts, the clock, whether a stop can be offered. */
interface ConsoleReader {
  queues: ConsoleQueues;
  accountNames: () => readonly string[];
  attentionAfterMs: number;
  openZoom: OpenZoom | undefined;
  now: () => number;
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

/** The accounts a page shows: the one the query names (if the user may see it), else theirs. */
function accountsShown(p: Principal, req: Request): readonly string[] | undefined {
  const one = chosenAccount(p, req.query.account);
  return one !== undefined ? [one] : scopeOf(p);
}

/** One page of the meeting list, filtered as the query asks, within the user's accounts. */
async function listInput(reader: ConsoleReader, req: Request, res: Response): Promise<ListInput> {
  const p = principalOf(res);
  const state = pick(MEETING_STATES, req.query.state);
  const source = pick(SOURCES, req.query.source);
  const account = chosenAccount(p, req.query.account);
  const accounts = accountsShown(p, req);
  const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
  const offset = Math.max(
    0,
    Number.parseInt(typeof req.query.offset === 'string' ? req.query.offset : '0', 10) || 0,
  );
  const page = await readPage(await reader.queues.all(), {
    ...(state && { state }),
    ...(source && { source }),
    ...(q && { text: q }),
    ...(accounts && { accounts }),
    offset,
    limit: PAGE_SIZE,
  });
  const filters = {
    ...(account && { account }),
    ...(state && { state }),
    ...(source && { source }),
    ...(q && { q }),
  };
  const self = new URLSearchParams({ ...filters, offset: String(offset) }).toString();
  const at = reader.now();
  return {
    page: pageView(page, filters, at, reader.openZoom !== undefined),
    state: state ?? '',
    source: source ?? '',
    q,
    self: `?${self}`,
    now: at,
  };
}

async function overviewInput(
  reader: ConsoleReader,
  req: Request,
  res: Response,
): Promise<OverviewInput> {
  const at = reader.now();
  const accounts = accountsShown(principalOf(res), req);
  const queues = await reader.queues.all();
  return {
    overview: await readOverview(queues, at, reader.attentionAfterMs, accounts),
    now: at,
    canStop: reader.openZoom !== undefined,
  };
}

/**
 * One meeting instance's page, or its fragment (`/fragment`) for htmx to refresh; 404 for an
 * instance of an account the user may not see, as for one that does not exist.
 */
function detailHandler(
  reader: ConsoleReader,
  ctx: (req: Request, res: Response) => PageContext,
): RequestHandler<{ jobId: string; part?: string }> {
  return async (req, res) => {
    const jobId = String(req.params.jobId);
    const found = await findJob(await reader.queues.all(), jobId, principalOf(res));
    const state = found ? await found.job.getState() : 'unknown';
    if (!found || state === 'unknown') {
      res.status(404).type('text/plain').send('no such meeting instance');
      return;
    }
    const facts = await readInstanceFacts(found.queue, jobId);
    const status = describeJob(found.job, state, facts);
    const fragment = req.params.part === 'fragment';
    const render = fragment ? renderDetailFragment : renderDetail;
    const page = ctx(req as unknown as Request, res);
    res.type('html').send(render(page, status, reader.now(), reader.openZoom !== undefined));
  };
}
