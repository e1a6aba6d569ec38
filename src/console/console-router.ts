import express, { Router, type Request } from 'express';
import type { Queue } from 'bullmq';
import type { Logger } from '../logging/create-logger';
import type { StartJobData } from '../queue/start-queue';
import { listMeetingPage } from '../status/meeting-page';
import { describeJob } from '../status/meeting-status';
import { readInstanceFacts } from '../queue/start-queue';
import { basicAuth, basicAuthUser } from '../dashboard/basic-auth';
import { ACTIONS, runAction, type OpenZoom } from './console-actions';
import { serveAssets } from './assets';
import { createCsrf } from './csrf';
import { pageView, STATES } from './view-model';
import {
  renderDetail,
  renderDetailFragment,
  renderFlash,
  renderList,
  renderRows,
  type ListInput,
  type PageContext,
} from './views';

export const CONSOLE_PATH = '/console';
const PAGE_SIZE = 50;

export interface ConsoleDeps {
  queue: Queue<StartJobData>;
  username: string;
  password: string;
  log: Logger;
  /** How to reach Zoom for a stop; without it the console offers no stop. */
  openZoom?: OpenZoom;
}

/** The meetings console at `/console`, behind the admin's basic auth. */
export function createConsoleRouter(deps: ConsoleDeps): Router {
  const csrf = createCsrf();
  const log = deps.log.child({ component: 'console' });
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
  const ctx = (req: Request): PageContext => ({
    base,
    csrf: csrf.token,
    user: basicAuthUser(req.headers.authorization),
  });

  const listInput = async (req: Request): Promise<ListInput> => {
    const state = STATES.find((s) => s === req.query.state);
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    const offset = Math.max(
      0,
      Number.parseInt(typeof req.query.offset === 'string' ? req.query.offset : '0', 10) || 0,
    );
    const page = await listMeetingPage(deps.queue, {
      ...(state && { state }),
      ...(q && { text: q }),
      offset,
      limit: PAGE_SIZE,
    });
    const filters = { ...(state && { state }), ...(q && { q }) };
    const self = new URLSearchParams({ ...filters, offset: String(offset) }).toString();
    const now = Date.now();
    return {
      page: pageView(page, filters, now, canStop),
      state: state ?? '',
      q,
      self: `?${self}`,
      now,
    };
  };
  router.get(base, async (req, res) => {
    res.type('html').send(renderList(ctx(req), await listInput(req)));
  });
  router.get(`${base}/rows`, async (req, res) => {
    res.type('html').send(renderRows(ctx(req), await listInput(req)));
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
    res.type('html').send(render(ctx(req), status, Date.now(), canStop));
  });

  router.post(
    `${base}/actions/:action`,
    express.urlencoded({ extended: false, limit: '4kb' }),
    csrf.check,
    async (req, res) => {
      const action = ACTIONS.find((a) => a === req.params.action);
      if (!action) {
        res.status(404).type('text/plain').send('no such action');
        return;
      }
      const operator = `console:${basicAuthUser(req.headers.authorization)}`;
      const result = await runAction(
        { queue: deps.queue, log, openZoom: deps.openZoom },
        action,
        req.body,
        operator,
      );
      if (req.get('hx-request') === 'true')
        res
          .status(result.ok ? 200 : 409)
          .type('html')
          .send(renderFlash(result.ok, result.message));
      else res.redirect(303, base);
    },
  );
  return router;
}
