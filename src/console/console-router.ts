import { Router, type Request } from 'express';
import type { Queue } from 'bullmq';
import type { Logger } from '../logging/create-logger';
import type { StartJobData } from '../domain/start-job';
import { listMeetingPage } from '../status/meeting-page';
import { describeJob } from '../status/meeting-status';
import { readOverview } from '../status/overview';
import { readInstanceFacts } from '../queue/start-queue';
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
  queue: Queue<StartJobData>;
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
  const now = deps.now ?? Date.now;
  const canStop = deps.openZoom !== undefined;
  const router = Router();
  const base = CONSOLE_PATH;
  router.use(base, basicAuth(deps.username, deps.password, 'zoom-livestream-worker'));
  router.use(base, (_req, res, next) => {
    res.set({
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
    });
    next();
  });
  serveAssets(router, `${base}/assets`);
  const ctx = (req: Request): PageContext => {
    const user = basicAuthUser(req.headers.authorization);
    return { base, csrf: csrf.tokenFor(user), user };
  };

  const listInput = async (req: Request): Promise<ListInput> => {
    const state = pick(MEETING_STATES, req.query.state);
    const source = pick(SOURCES, req.query.source);
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    const offset = Math.max(
      0,
      Number.parseInt(typeof req.query.offset === 'string' ? req.query.offset : '0', 10) || 0,
    );
    const page = await listMeetingPage(deps.queue, {
      ...(state && { state }),
      ...(source && { source }),
      ...(q && { text: q }),
      offset,
      limit: PAGE_SIZE,
    });
    const filters = { ...(state && { state }), ...(source && { source }), ...(q && { q }) };
    const self = new URLSearchParams({ ...filters, offset: String(offset) }).toString();
    const at = now();
    return {
      page: pageView(page, filters, at, canStop),
      state: state ?? '',
      source: source ?? '',
      q,
      self: `?${self}`,
      now: at,
    };
  };
  const overviewInput = async (): Promise<OverviewInput> => {
    const at = now();
    return {
      overview: await readOverview(deps.queue, at, deps.attentionAfterMs),
      now: at,
      canStop,
    };
  };
  router.get(base, async (req, res) => {
    const [list, overview] = await Promise.all([listInput(req), overviewInput()]);
    res.type('html').send(renderList(ctx(req), list, overview));
  });
  router.get(`${base}/rows`, async (req, res) => {
    res.type('html').send(renderRows(ctx(req), await listInput(req)));
  });
  router.get(`${base}/overview`, async (req, res) => {
    res.type('html').send(renderOverview(ctx(req), await overviewInput()));
  });
  router.get(`${base}/meetings/:jobId{/:part}`, async (req, res) => {
    const jobId = String(req.params.jobId);
    const job = await deps.queue.getJob(jobId);
    const state = job ? await job.getState() : 'unknown';
    if (!job || state === 'unknown') {
      res.status(404).type('text/plain').send('no such meeting instance');
      return;
    }
    const status = describeJob(job, state, await readInstanceFacts(deps.queue, jobId));
    const fragment = req.params.part === 'fragment';
    const render = fragment ? renderDetailFragment : renderDetail;
    res.type('html').send(render(ctx(req), status, now(), canStop));
  });
  router.post(
    `${base}/actions/:action`,
    ...actionHandlers({ queue: deps.queue, log, csrf, openZoom: deps.openZoom, base }),
  );
  return router;
}
