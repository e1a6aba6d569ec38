import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from '../logging/create-logger';
import type { EnqueueResult, EventKind, InstanceFact, StartJobData } from '../queue/start-queue';
import { withDeadline } from '../redis/connections';
import { activeTracing } from '../telemetry/tracing';
import {
  describeIssue,
  envelopeSchema,
  meetingPayloadSchema,
  urlValidationPayloadSchema,
  type Envelope,
} from './envelope';
import { encryptPlainToken, verifyZoomWebhook } from './signature';
import { FACT_OUTCOME, ZOOM_EVENTS } from './zoom-events';

/** What a webhook came to, for logs and metrics. */
export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'cancelled'
  | 'confirmed'
  | 'stopped'
  | 'validated'
  | 'ignored'
  | 'bad_signature'
  | 'stale'
  | 'invalid'
  | 'too_large'
  | 'aborted'
  | 'unsupported_media_type'
  | 'unavailable';

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
}

/**
 * `POST /webhooks/zoom`. Checks run cheapest first and nothing is believed before the signature:
 * 413 → 415 → 401 → 400, then the event. A 2xx is sent only after Redis acknowledged the work.
 * @see https://developers.zoom.us/docs/api/webhooks/
 */
export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const storeTimeoutMs = deps.storeTimeoutMs ?? 500;
  const router = Router();

  const reply = (
    res: Response,
    fields: LogFields,
    event: string,
    outcome: WebhookOutcome,
    status: number,
    body?: object,
  ): void => {
    deps.onOutcome?.(event, outcome);
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    const detail = status >= 400 && body && 'message' in body ? { detail: body.message } : {};
    deps.log[level]({ ...fields, event, outcome, status, ...detail }, 'webhook handled');
    if (status === 413) res.set('Connection', 'close');
    if (body) res.status(status).json(body);
    else res.status(status).end();
  };

  const checkEnvelope = (req: Request, res: Response, next: NextFunction): void => {
    const fields = requestFields(req);
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > deps.bodyLimitBytes) {
      return reply(
        res,
        fields,
        'unknown',
        'too_large',
        413,
        error('too_large', `body over ${deps.bodyLimitBytes} bytes`),
      );
    }
    if (!req.is('application/json')) {
      return reply(
        res,
        fields,
        'unknown',
        'unsupported_media_type',
        415,
        error('unsupported_media_type', 'content-type must be application/json'),
      );
    }
    next();
  };

  const readBody = express.raw({ type: () => true, limit: deps.bodyLimitBytes, inflate: false });

  const handle = async (req: Request, res: Response): Promise<void> => {
    const fields = requestFields(req);
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
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
        error(verified.reason, 'signature not accepted'),
      );
    }

    const envelope = parseEnvelope(rawBody);
    if (typeof envelope === 'string') {
      return reply(res, fields, 'unknown', 'invalid', 400, error('invalid_body', envelope));
    }
    const event = envelope.event;

    const invalidPayload = (issue: string) =>
      reply(res, fields, event, 'invalid', 400, error('invalid_body', `payload.${issue}`));

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
    activeTracing()?.annotate({ 'zoom.meeting.id': String(object.id), 'zoom.event': event });
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
        error('unavailable', 'queue unavailable, retry later'),
      );
    }
  };

  // Body-parser errors (a chunked body over the limit, an aborted upload) end here.
  const bodyErrors = (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    const status = (err as { status?: number }).status;
    if (status === 413) {
      return reply(
        res,
        requestFields(req),
        'unknown',
        'too_large',
        413,
        error('too_large', `body over ${deps.bodyLimitBytes} bytes`),
      );
    }
    if (status === 415) {
      return reply(
        res,
        requestFields(req),
        'unknown',
        'unsupported_media_type',
        415,
        error('unsupported_media_type', 'unsupported content encoding'),
      );
    }
    if ((err as { type?: string }).type === 'request.aborted') {
      // The client went away, or the server cut a body trickled past the request timeout (Node
      // answered 408 itself): nothing to answer, and the body was never read, so not `invalid`.
      return reply(
        res,
        requestFields(req),
        'unknown',
        'aborted',
        408,
        error('aborted', 'body not received in full'),
      );
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return reply(
        res,
        requestFields(req),
        'unknown',
        'invalid',
        400,
        error('invalid_body', 'request body could not be read'),
      );
    }
    next(err);
  };

  const traced = activeTracing()?.webhookSpan('/webhooks/zoom');
  router.post(
    '/webhooks/zoom',
    ...(traced ? [traced] : []),
    checkEnvelope,
    readBody,
    handle,
    bodyErrors,
  );
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

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Fields of the one log line per webhook, filled in as the request is handled. */
type LogFields = Record<string, unknown>;

function requestFields(req: Request): LogFields {
  const trackingId = header(req, 'x-zm-trackingid');
  return trackingId ? { trackingId: trackingId.slice(0, 100) } : {};
}

function error(code: string, message: string): { error: string; message: string } {
  return { error: code, message };
}
