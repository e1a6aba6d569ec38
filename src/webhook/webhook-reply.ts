import type { Request, Response } from 'express';
import type { Logger } from '../logging/create-logger';
import type { CutBy } from './read-body';
import type { WebhookOutcome } from '../domain/webhook-outcome';

/** Fields of the one log line per webhook, filled in as the request is handled. */
export type LogFields = Record<string, unknown>;

export interface WebhookReplies {
  /** Answers `status` (with `body` as JSON) and writes the request's one log line. */
  reply: (
    res: Response,
    fields: LogFields,
    event: string,
    outcome: WebhookOutcome,
    status: number,
    body?: object,
  ) => void;
  /** 413; the connection is closed after it, whatever of the body is still unread. */
  tooLarge: (res: Response, fields: LogFields) => void;
  /** The body stopped arriving: Node has answered 408 (request timeout), or nobody is listening. */
  cut: (fields: LogFields, by: CutBy, receivedBytes: number) => void;
}

export function createReplies(deps: {
  log: Logger;
  bodyLimitBytes: number;
  onOutcome?: ((event: string, outcome: WebhookOutcome) => void) | undefined;
}): WebhookReplies {
  const reply: WebhookReplies['reply'] = (res, fields, event, outcome, status, body) => {
    deps.onOutcome?.(event, outcome);
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    const detail = status >= 400 && body && 'message' in body ? { detail: body.message } : {};
    deps.log[level]({ ...fields, event, outcome, status, ...detail }, 'webhook handled');
    if (status === 413) res.set('Connection', 'close');
    if (body) res.status(status).json(body);
    else res.status(status).end();
  };
  return {
    reply,
    tooLarge: (res, fields) =>
      reply(
        res,
        fields,
        'unknown',
        'too_large',
        413,
        jsonError('too_large', `body over ${deps.bodyLimitBytes} bytes`),
      ),
    cut: (fields, by, receivedBytes) => {
      const outcome = by === 'client' ? 'aborted' : 'timeout';
      deps.onOutcome?.('unknown', outcome);
      const status = by === 'request_timeout' ? { status: 408 } : {};
      deps.log.warn(
        { ...fields, event: 'unknown', outcome, cutBy: by, receivedBytes, ...status },
        'webhook handled',
      );
    },
  };
}

export function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function requestFields(req: Request): LogFields {
  const trackingId = header(req, 'x-zm-trackingid');
  return trackingId ? { trackingId: trackingId.slice(0, 100) } : {};
}

export function jsonError(code: string, message: string): { error: string; message: string } {
  return { error: code, message };
}
