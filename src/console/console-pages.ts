import type { Request, RequestHandler, Response } from 'express';
import { MEETING_STATES } from '../domain/start-progress';
import { describeJob } from '../status/meeting-status';
import { readOverview } from '../status/overview';
import { readInstanceFacts } from '../queue/start-queue';
import type { OpenZoom } from './console-actions';
import { principalOf, type Principal } from './console-auth';
import { listMeetingPage } from '../status/meeting-page';
import { chosenAccount, findJob, scopeOf, type ConsoleQueues } from './console-scope';
import { pageView, SOURCES } from './view-model';
import {
  renderDetail,
  renderDetailFragment,
  type ListInput,
  type OverviewInput,
  type PageContext,
} from './views';

const PAGE_SIZE = 50;

/** What the pages read from: the queues, the accounts, the clock, whether a stop can be offered. */
export interface ConsoleReader {
  queues: ConsoleQueues;
  accountNames: () => readonly string[];
  attentionAfterMs: number;
  openZoom: OpenZoom | undefined;
  now: () => number;
}

const pick = <T extends string>(values: readonly T[], v: unknown): T | undefined =>
  values.find((x) => x === v);

/** The accounts a page shows: the one the query names (if the user may see it), else theirs. */
function accountsShown(p: Principal, req: Request): readonly string[] | undefined {
  const one = chosenAccount(p, req.query.account);
  return one !== undefined ? [one] : scopeOf(p);
}

/** One page of the meeting list, filtered as the query asks, within the user's accounts. */
export async function listInput(
  reader: ConsoleReader,
  req: Request,
  res: Response,
): Promise<ListInput> {
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
  const page = await listMeetingPage(await reader.queues.all(), {
    ...(state && { state }),
    ...(source && { source }),
    ...(q && { text: q }),
    ...(accounts && { accounts: new Set(accounts) }),
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

export async function overviewInput(
  reader: ConsoleReader,
  req: Request,
  res: Response,
): Promise<OverviewInput> {
  const at = reader.now();
  const accounts = accountsShown(principalOf(res), req);
  const queues = await reader.queues.all();
  return {
    overview: await readOverview(
      queues,
      at,
      reader.attentionAfterMs,
      accounts && new Set(accounts),
    ),
    now: at,
    canStop: reader.openZoom !== undefined,
  };
}

/**
 * One meeting instance's page, or its fragment (`/fragment`) for htmx to refresh; 404 for an
 * instance of an account the user may not see, as for one that does not exist.
 */
export function detailHandler(
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
    const page = ctx(req, res);
    res.type('html').send(render(page, status, reader.now(), reader.openZoom !== undefined));
  };
}
