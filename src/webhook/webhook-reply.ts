import type { Response } from 'express';
import type { Logger } from '../logging/create-logger';
import type { Answer, LogFields } from './answer';
import type { CutBy } from './read-body';
import type { WebhookOutcome } from '../domain/webhook-outcome';

export type { LogFields, WebhookOutcome } from './answer';

export interface WebhookReplies {
  /** Sends the answer (413 closes the connection) and writes the request's one log line. */
  send: (res: Response, answer: Answer) => void;
  /** The body stopped arriving: Node has answered 408 (request timeout), or nobody is listening. */
  cut: (fields: LogFields, by: CutBy, receivedBytes: number) => void;
}

export function createReplies(deps: {
  log: Logger;
  onOutcome?: ((event: string, outcome: WebhookOutcome) => void) | undefined;
}): WebhookReplies {
  return {
    send: (res, { event, outcome, status, body, fields }) => {
      deps.onOutcome?.(event, outcome);
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      const detail = status >= 400 && body && 'message' in body ? { detail: body.message } : {};
      deps.log[level]({ ...fields, event, outcome, status, ...detail }, 'webhook handled');
      if (status === 413) res.set('Connection', 'close');
      if (body) res.status(status).json(body);
      else res.status(status).end();
    },
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
