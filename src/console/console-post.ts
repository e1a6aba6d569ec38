import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../logging/create-logger';
import type { StartQueues } from '../queue/start-queues';
import { basicAuthUser } from '../dashboard/basic-auth';
import { ACTIONS, runAction, type OpenZoom } from './console-actions';
import type { Csrf, CsrfVerdict } from './csrf';
import { renderFlash } from './views';

const REFUSED: Record<Exclude<CsrfVerdict, 'ok'>, string> = {
  'bad-token':
    "Refused: this page's security token is not valid any more (the console's secret or the admin password changed, or the page came from another deployment). Reload the page and try again.",
  'cross-site':
    "Refused: the request did not come from this console's own page. Open the console at its own address and try again.",
};

export interface PostDeps {
  queues: StartQueues;
  log: Logger;
  csrf: Csrf;
  openZoom: OpenZoom | undefined;
  /** Where a browser without JavaScript goes back to after a POST. */
  base: string;
}

/**
 * `POST /actions/:action`: checks the CSRF token and origin, runs the action, and answers every
 * outcome in words (for htmx an `<article>` for the flash area, with a status that says it):
 * 200 done, 400 bad form, 403 refused (CSRF), 404 no such action, 409 nothing to do in this state,
 * 502 Zoom refused, 503 the service failed (logged).
 */
export function actionHandlers(deps: PostDeps): RequestHandler[] {
  const answer = (req: Request, res: Response, status: number, message: string) => {
    if (req.get('hx-request') === 'true')
      res
        .status(status)
        .type('html')
        .send(renderFlash(status < 300, message, Date.now(), status));
    else if (status < 300) res.redirect(303, deps.base);
    else res.status(status).type('text/plain').send(`${message}\n`);
  };
  return [
    express.urlencoded({ extended: false, limit: '4kb' }),
    async (req, res) => {
      const user = basicAuthUser(req.headers.authorization);
      const verdict = deps.csrf.verify(req, user);
      if (verdict !== 'ok') return answer(req, res, 403, REFUSED[verdict]);
      const action = ACTIONS.find((a) => a === req.params.action);
      if (!action)
        return answer(req, res, 404, `No such action "${String(req.params.action).slice(0, 40)}".`);
      try {
        const result = await runAction(
          { queues: deps.queues, log: deps.log, openZoom: deps.openZoom },
          action,
          req.body,
          `console:${user}`,
        );
        answer(req, res, result.status, result.message);
      } catch (err) {
        deps.log.error(
          { action, err: { message: (err as Error).message } },
          'console action failed',
        );
        answer(
          req,
          res,
          503,
          `The ${action} could not be completed: the service failed (its log says why). It may or may not have taken effect; reload the page to see the current state.`,
        );
      }
    },
  ];
}
