import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from '../logging/create-logger';
import type { EnqueueResult, EventKind, InstanceFact, StartJobData } from '../queue/start-queue';
import { withDeadline } from '../redis/connections';
import { noTracing, type Tracing } from '../telemetry/tracing';
import {
  describeIssue,
  envelopeSchema,
  meetingPayloadSchema,
  urlValidationPayloadSchema,
  type Envelope,
} from './envelope';
import { discardLimitBytes, readBody } from './read-body';
import { encryptPlainToken, verifyZoomWebhook } from './signature';
import {
  createReplies,
  header,
  jsonError,
  requestFields,
  type WebhookOutcome,
} from './webhook-reply';
import { FACT_OUTCOME, ZOOM_EVENTS } from './zoom-events';

export type { WebhookOutcome } from './webhook-reply';

/** The queue operations the receiver needs; Redis-backed in production. */
export interface StartJobs {
  enqueueStart: (data: StartJobData) => Promise<EnqueueResult>;
  recordFact: (
    kind: EventKind,
    uuid: string,
    fact: InstanceFact,
    at: number,
  ) => Promise<{ jobId: string; found: boolean }>;
}

export interface WebhookRouterDeps {
  secrets: readonly string[];
  toleranceSeconds: number;
  bodyLimitBytes: number;
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
 * `POST /webhooks/zoom`. Checks run cheapest first and nothing is believed before the signature:
 * 413 → 415 → 401 → 400, then the event. A 2xx is sent only after Redis acknowledged the work.
 * @see https://developers.zoom.us/docs/api/webhooks/
 */
export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const tracing = deps.tracing ?? noTracing;
  const storeTimeoutMs = deps.storeTimeoutMs ?? 500;
  const discardBytes = discardLimitBytes(deps.bodyLimitBytes);
  const router = Router();

  const { reply, tooLarge, cut } = createReplies(deps);

  const checkEnvelope = (req: Request, res: Response, next: NextFunction): void => {
    const fields = requestFields(req);
    const length = Number(req.headers['content-length'] ?? 0);
    // Declared beyond what would be read to deliver the 413: answered at once, not read.
    if (length > discardBytes) return tooLarge(res, { ...fields, declaredBytes: length });
    if (length > deps.bodyLimitBytes) return next(); // read and thrown away, then 413
    if (!req.is('application/json')) {
      return reply(
        res,
        fields,
        'unknown',
        'unsupported_media_type',
        415,
        jsonError('unsupported_media_type', 'content-type must be application/json'),
      );
    }
    const encoding = header(req, 'content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      return reply(
        res,
        fields,
        'unknown',
        'unsupported_media_type',
        415,
        jsonError('unsupported_media_type', 'unsupported content encoding'),
      );
    }
    next();
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const fields = requestFields(req);
    const read = await readBody(req, { maxBytes: deps.bodyLimitBytes, discardBytes });
    if (read.kind === 'too_large') {
      Object.assign(fields, { receivedBytes: read.receivedBytes, drained: read.drained });
      return tooLarge(res, fields);
    }
    if (read.kind === 'cut') return cut(fields, read.by, read.receivedBytes);
    const rawBody = read.body;
    const verified = verifyZoomWebhook({
      secrets: deps.secrets,
      timestamp: header(req, 'x-zm-request-timestamp'),
      signature: header(req, 'x-zm-signature'),
      rawBody,
      nowMs: now(),
      toleranceSeconds: deps.toleranceSeconds,
    });
    if (!verified.ok) {
      const outcome = verified.reason === 'stale' ? 'stale' : 'bad_signature';
      fields.reason = verified.reason;
      return reply(
        res,
        fields,
        'unknown',
        outcome,
        401,
        jsonError(verified.reason, 'signature not accepted'),
      );
    }

    const envelope = parseEnvelope(rawBody);
    if (typeof envelope === 'string') {
      return reply(res, fields, 'unknown', 'invalid', 400, jsonError('invalid_body', envelope));
    }
    const event = envelope.event;

    const invalidPayload = (issue: string) =>
      reply(res, fields, event, 'invalid', 400, jsonError('invalid_body', `payload.${issue}`));

    if (event === 'endpoint.url_validation') {
      const payload = urlValidationPayloadSchema.safeParse(envelope.payload);
      if (!payload.success) return invalidPayload(describeIssue(payload.error));
      const { plainToken } = payload.data;
      return reply(res, fields, event, 'validated', 200, {
        plainToken,
        encryptedToken: encryptPlainToken(verified.secret, plainToken),
      });
    }

    const action = ZOOM_EVENTS[event];
    if (!action) return reply(res, fields, event, 'ignored', 204);
    const payload = meetingPayloadSchema.safeParse(envelope.payload);
    if (!payload.success) return invalidPayload(describeIssue(payload.error));
    const object = payload.data.object;
    fields.meetingId = object.id;
    tracing.annotate({ 'zoom.meeting.id': String(object.id), 'zoom.event': event });
    if (object.topic !== undefined) fields.topic = object.topic;
    try {
      if (action.type === 'start') {
        const data: StartJobData = {
          kind: action.kind,
          meetingId: object.id,
          uuid: object.uuid,
          receivedAt: now(),
          source: 'webhook',
          ...(object.topic !== undefined && { topic: object.topic }),
          ...(object.host_id !== undefined && { hostId: object.host_id }),
          ...(object.type !== undefined && { meetingType: object.type }),
        };
        const added = await withDeadline(deps.jobs.enqueueStart(data), storeTimeoutMs);
        fields.jobId = added.jobId;
        return reply(res, fields, event, added.duplicate ? 'duplicate' : 'accepted', 204);
      }
      const recorded = await withDeadline(
        deps.jobs.recordFact(action.kind, object.uuid, action.fact, envelope.event_ts ?? now()),
        storeTimeoutMs,
      );
      Object.assign(fields, { jobId: recorded.jobId, found: recorded.found });
      return reply(res, fields, event, FACT_OUTCOME[action.fact], 204);
    } catch (err) {
      fields.err = { message: (err as Error).message };
      return reply(
        res,
        fields,
        event,
        'unavailable',
        503,
        jsonError('unavailable', 'queue unavailable, retry later'),
      );
    }
  };

  router.post('/webhooks/zoom', tracing.webhookSpan('/webhooks/zoom'), checkEnvelope, handle);
  return router;
}

function parseEnvelope(rawBody: Buffer): Envelope | string {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return 'body is not valid JSON';
  }
  const parsed = envelopeSchema.safeParse(json);
  return parsed.success ? parsed.data : `not a Zoom event: ${describeIssue(parsed.error)}`;
}
