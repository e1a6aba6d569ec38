import type { Response } from 'express';
import type { Logger } from '../logging/create-logger';
import type { Answer, LogFields } from './answer';
import type { CutBy } from './read-body';
import type { WebhookOutcome } from '../domain/webhook-outcome';

export type { LogFields, WebhookOutcome } from './answer';

/**
 * Counts a webhook: `account` is the name of an account in force (from the registry, never from
 * the request), or `''` when the path named none.
 */
export type OnOutcome = (event: string, outcome: WebhookOutcome, account: string) => void;

export interface WebhookReplies {
  /**
   * Sends the answer (413 and 404 close the connection) and writes the request's one log line;
   * `account` is the path's account in force, undefined when the path named none.
   */
  send: (res: Response, answer: Answer, account: string | undefined) => void;
  /** The body stopped arriving: Node has answered 408 (request timeout), or nobody is listening. */
  cut: (fields: LogFields, by: CutBy, receivedBytes: number, account: string) => void;
}

export function createReplies(deps: {
  log: Logger;
  onOutcome?: OnOutcome | undefined;
}): WebhookReplies {
  return {
    send: (res, { event, outcome, status, body, fields }, account) => {
      deps.onOutcome?.(event, outcome, account ?? '');
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      const detail = status >= 400 && body && 'message' in body ? { detail: body.message } : {};
      const of = account === undefined ? {} : { account };
      deps.log[level]({ ...of, ...fields, event, outcome, status, ...detail }, 'webhook handled');
      // Neither body is read (any further): closing the connection spares waiting for the rest.
      if (status === 413 || status === 404) res.set('Connection', 'close');
      if (body) res.status(status).json(body);
      else res.status(status).end();
    },
    cut: (fields, by, receivedBytes, account) => {
      const outcome = by === 'client' ? 'aborted' : 'timeout';
      deps.onOutcome?.('unknown', outcome, account);
      const status = by === 'request_timeout' ? { status: 408 } : {};
      deps.log.warn(
        { account, ...fields, event: 'unknown', outcome, cutBy: by, receivedBytes, ...status },
        'webhook handled',
      );
    },
  };
}
