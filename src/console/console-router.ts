import { Router, type Request, type RequestHandler } from 'express';
import type { Logger } from '../logging/create-logger';
import type { StartQueues } from '../queue/start-queues';
import { listMeetingPage } from '../status/meeting-page';
import { readOverview } from '../status/overview';
import { readMeetingStatus } from '../status/read-statuses';
import { basicAuth, basicAuthUser } from '../dashboard/basic-auth';
import type { OpenZoom } from './console-actions';
import { actionHandlers } from './console-post';
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
  /** Every shard's start queue: the console reads them all. */
  queues: StartQueues;
  /** The accounts served (the registry's names): a meeting page opens only theirs. */
  accountNames: () => readonly string[];
  username: string;
  password: string;
  /** Keys the CSRF tokens (the same in every process); unset: derived from the password. */
  csrfSecret?: string | undefined;
  /** A start waiting longer than this is listed under "Needs attention". */
  attentionAfterMs: number;
  log: Logger;
  /** How to reach Zoom for a stop; without it the console offers no stop. */
  openZoom?: OpenZoom;
  now?: () => number;
}

const pick = <T extends string>(values: readonly T[], v: unknown): T | undefined =>
  values.find((x) => x === v);

/** The meetings console at `/console`, behind the admin's basic auth. */
export function createConsoleRouter(deps: ConsoleDeps): Router {
  const csrf = createCsrf({ csrfSecret: deps.csrfSecret, password: deps.password });
  const log = deps.log.child({ component: 'console' });
  const reader: ConsoleReader = {
    queues: deps.queues,
    accountNames: deps.accountNames,
    attentionAfterMs: deps.attentionAfterMs,
    openZoom: deps.openZoom,
    now: deps.now ?? Date.now,
  };
  const router = Router();
  const base = CONSOLE_PATH;
  router.use(base, basicAuth(deps.username, deps.password, 'zoom-livestream-worker'));
  router.use(base, securityHeaders);
  serveAssets(router, `${base}/assets`);
  const ctx = (req: Request): PageContext => {
    const user = basicAuthUser(req.headers.authorization);
    return { base, csrf: csrf.tokenFor(user), user };
  };
  router.get(base, async (req, res) => {
    const [list, overview] = await Promise.all([listInput(reader, req), overviewInput(reader)]);
    res.type('html').send(renderList(ctx(req), list, overview));
  });
  router.get(`${base}/rows`, async (req, res) => {
    res.type('html').send(renderRows(ctx(req), await listInput(reader, req)));
  });
  router.get(`${base}/overview`, async (req, res) => {
    res.type('html').send(renderOverview(ctx(req), await overviewInput(reader)));
  });
  router.get(`${base}/meetings/:jobId{/:part}`, detailHandler(reader, ctx));
  router.post(
    `${base}/actions/:action`,
    ...actionHandlers({ queues: deps.queues, log, csrf, openZoom: deps.openZoom, base }),
  );
  return router;
}

/** What the pages read from: the queue, the clock, and whether a stop can be offered. */
interface ConsoleReader {
  queues: StartQueues;
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

/** One page of the meeting list, filtered as the query asks. */
async function listInput(reader: ConsoleReader, req: Request): Promise<ListInput> {
  const state = pick(MEETING_STATES, req.query.state);
  const source = pick(SOURCES, req.query.source);
  const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
  const offset = Math.max(
    0,
    Number.parseInt(typeof req.query.offset === 'string' ? req.query.offset : '0', 10) || 0,
  );
  const page = await listMeetingPage(await reader.queues.all(), {
    ...(state && { state }),
    ...(source && { source }),
    ...(q && { text: q }),
    offset,
    limit: PAGE_SIZE,
  });
  const filters = { ...(state && { state }), ...(source && { source }), ...(q && { q }) };
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

async function overviewInput(reader: ConsoleReader): Promise<OverviewInput> {
  const at = reader.now();
  return {
    overview: await readOverview(await reader.queues.all(), at, reader.attentionAfterMs),
    now: at,
    canStop: reader.openZoom !== undefined,
  };
}

/** One meeting instance's page, or its fragment (`/fragment`) for htmx to refresh. */
function detailHandler(
  reader: ConsoleReader,
  ctx: (req: Request) => PageContext,
): RequestHandler<{ jobId: string; part?: string }> {
  return async (req, res) => {
    const jobId = String(req.params.jobId);
    const read = await readMeetingStatus(reader.queues, jobId, new Set(reader.accountNames()));
    if (!read) {
      res.status(404).type('text/plain').send('no such meeting instance');
      return;
    }
    const { status } = read;
    const fragment = req.params.part === 'fragment';
    const render = fragment ? renderDetailFragment : renderDetail;
    res.type('html').send(render(ctx(req), status, reader.now(), reader.openZoom !== undefined));
  };
}
