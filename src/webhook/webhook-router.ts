import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from '../logging/create-logger';
import type { StartJobs } from '../queue/replicated-enqueue';
import { withDeadline } from '../redis/connections';
import { noTracing, type Tracing } from '../telemetry/tracing';
import { admit, requestFields, type ReceiverSettings } from './admit';
import { decideWebhook, settle, type Decision, type Stored, type Work } from './decide-webhook';
import { discardLimitBytes, readBody } from './read-body';
import { createReplies } from './webhook-reply';
import type { WebhookOutcome } from '../domain/webhook-outcome';

export type { WebhookOutcome } from './answer';

export interface WebhookRouterDeps extends ReceiverSettings {
  jobs: StartJobs;
  log: Logger;
  now?: () => number;
  /** Redis must acknowledge within this budget (default 500 ms), else 503 (Zoom redelivers). */
  storeTimeoutMs?: number;
  onOutcome?: (event: string, outcome: WebhookOutcome) => void;
  /** Each request is a server span; default: none. */
  tracing?: Tracing;
}

/**
 * `POST /webhooks/zoom`: reads the body, lets {@link decideWebhook} decide, stores what it asks
 * for, then answers. A 2xx is sent only after Redis acknowledged the work.
 */
export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const tracing = deps.tracing ?? noTracing;
  const store = storeWith(deps.jobs, deps.storeTimeoutMs ?? 500);
  const discardBytes = discardLimitBytes(deps.bodyLimitBytes);
  const { send, cut } = createReplies(deps);

  const checkHead = (req: Request, res: Response, next: NextFunction): void => {
    const admission = admit(req.headers, deps);
    if (admission.type === 'answer') return send(res, admission.answer);
    next();
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const body = await readBody(req, { maxBytes: deps.bodyLimitBytes, discardBytes });
    if (body.kind === 'cut') return cut(requestFields(req.headers), body.by, body.receivedBytes);
    const decision = decideWebhook({ headers: req.headers, body }, now(), deps);
    if (decision.type === 'answer') return send(res, decision.answer);
    annotate(tracing, decision);
    send(res, settle(decision, await store(decision.work)));
  };

  const router = Router();
  router.post('/webhooks/zoom', tracing.webhookSpan('/webhooks/zoom'), checkHead, handle);
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
      const recorded = jobs.recordFact(work.kind, work.uuid, work.fact, work.at);
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
