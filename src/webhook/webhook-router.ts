import {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import type { Account } from '../accounts/account-types';
import type { Logger } from '../logging/create-logger';
import type { StartJobs } from '../queue/replicated-enqueue';
import { withDeadline } from '../redis/connections';
import { noTracing, type Tracing } from '../telemetry/tracing';
import { DEFAULT_ROUTE, NAMED_ROUTE, webhookPath, type WebhookRoute } from './account-path';
import { admit, requestFields, unknownAccountAnswer, type ReceiverSettings } from './admit';
import { decideWebhook, settle, type Decision, type Stored, type Work } from './decide-webhook';
import { discardLimitBytes, readBody } from './read-body';
import { createReplies, type OnOutcome } from './webhook-reply';

export type { WebhookOutcome } from './answer';

/** The accounts in force, asked at each request (the registry: a reload reaches the next one). */
export interface WebhookAccounts {
  get(name: string): Account | undefined;
}

export interface WebhookRouterDeps {
  accounts: WebhookAccounts;
  toleranceSeconds: number;
  bodyLimitBytes: number;
  jobs: StartJobs;
  log: Logger;
  now?: () => number;
  /** Redis must acknowledge within this budget (default 500 ms), else 503 (Zoom redelivers). */
  storeTimeoutMs?: number;
  onOutcome?: OnOutcome;
  /** Each request is a server span; default: none. */
  tracing?: Tracing;
}

/**
 * `POST /webhooks/zoom/{name}` for each account in force, and `POST /webhooks/zoom` for the
 * `default` account: finds the path's account on the request head (404 at once, body unread,
 * when it names none), reads the body, lets {@link decideWebhook} decide with that account's
 * secrets, stores what it asks for in the account's shard, then answers. A 2xx is sent only after
 * Redis acknowledged the work.
 */
export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const tracing = deps.tracing ?? noTracing;
  const spans: Record<WebhookRoute, RequestHandler> = {
    [DEFAULT_ROUTE]: tracing.webhookSpan(DEFAULT_ROUTE),
    [NAMED_ROUTE]: tracing.webhookSpan(NAMED_ROUTE),
  };
  const store = storeWith(deps.jobs, deps.storeTimeoutMs ?? 500);
  const discardBytes = discardLimitBytes(deps.bodyLimitBytes);
  const { send, cut } = createReplies(deps);

  const handle = async (req: Request, res: Response, account: Account): Promise<void> => {
    const admission = admit(req.headers, deps);
    if (admission.type === 'answer') return send(res, admission.answer, account.name);
    const body = await readBody(req, { maxBytes: deps.bodyLimitBytes, discardBytes });
    if (body.kind === 'cut') {
      return cut(requestFields(req.headers), body.by, body.receivedBytes, account.name);
    }
    const decision = decideWebhook({ headers: req.headers, body }, now(), settings(account));
    if (decision.type === 'answer') return send(res, decision.answer, account.name);
    annotate(tracing, decision);
    send(res, settle(decision, await store(decision.work)), account.name);
  };

  const settings = (account: Account): ReceiverSettings => ({
    secrets: account.webhookSecrets,
    toleranceSeconds: deps.toleranceSeconds,
    bodyLimitBytes: deps.bodyLimitBytes,
    account: { name: account.name, zoomAccountId: account.zoom.accountId },
  });

  const router = Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const path = webhookPath(req.path);
    if (!path) return next();
    void spans[path.route](req, res, () => {
      const account = path.name === undefined ? undefined : deps.accounts.get(path.name);
      if (account) return void handle(req, res, account).catch(next);
      const said = path.name === undefined ? path.segment : path.name;
      send(res, unknownAccountAnswer(req.headers, said), undefined);
    });
  });
  return router;
}

/** Carries out the decision's work within the Redis budget; a failure is data, not a throw. */
function storeWith(jobs: StartJobs, timeoutMs: number): (work: Work) => Promise<Stored> {
  return async (work) => {
    try {
      if (work.type === 'enqueue') {
        const added = await withDeadline(jobs.enqueueStart(work.data), timeoutMs);
        return { ok: true, ...added };
      }
      const recorded = jobs.recordFact(work.kind, work.uuid, work.fact, work.at, work.account);
      return { ok: true, ...(await withDeadline(recorded, timeoutMs)) };
    } catch (err) {
      return { ok: false, error: err as Error };
    }
  };
}

function annotate(tracing: Tracing, decision: Extract<Decision, { type: 'store' }>): void {
  const meetingId = decision.fields.meetingId as string;
  tracing.annotate({ 'zoom.meeting.id': meetingId, 'zoom.event': decision.event });
}
