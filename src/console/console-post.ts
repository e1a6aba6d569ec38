import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../logging/create-logger';
import { ACTIONS, runAction, type OpenZoom } from './console-actions';
import { principalOf, type Principal } from './console-auth';
import { chosenAccount, offeredAccounts, type ConsoleQueues } from './console-scope';
import type { Csrf, CsrfVerdict } from './csrf';
import { renderFlash } from './views';

const REFUSED: Record<Exclude<CsrfVerdict, 'ok'>, string> = {
  'bad-token':
    "Refused: this page's security token is not valid any more (the console's secret or your password changed, or the page came from another deployment). Reload the page and try again.",
  'cross-site':
    "Refused: the request did not come from this console's own page. Open the console at its own address and try again.",
};

export interface PostDeps {
  queues: ConsoleQueues;
  accountNames: () => readonly string[];
  log: Logger;
  csrf: Csrf;
  openZoom: OpenZoom | undefined;
  /** Where a browser without JavaScript goes back to after a POST. */
  base: string;
}

/**
 * `POST /actions/:action`: checks the CSRF token and origin, the account (one the user may act
 * on), runs the action on that account's starts only, and answers every outcome in words (for
 * htmx an `<article>` for the flash area, with a status that says it): 200 done, 400 bad form,
 * 403 refused (CSRF), 404 no such action, or no such account among the user's (said the same
 * whether it exists or not), 409 nothing to do in this state, 502 Zoom refused, 503 the service
 * failed (logged).
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
      const user = principalOf(res);
      const verdict = deps.csrf.verify(req, user);
      if (verdict !== 'ok') return answer(req, res, 403, REFUSED[verdict]);
      const action = ACTIONS.find((a) => a === req.params.action);
      if (!action)
        return answer(req, res, 404, `No such action "${String(req.params.action).slice(0, 40)}".`);
      const target = accountOfPost(deps, user, req.body as Record<string, unknown>, action);
      if (!target.ok) return answer(req, res, target.status, target.message);
      const { account } = target;
      try {
        const result = await runAction(
          {
            queues: deps.queues,
            account,
            log: deps.log,
            openZoom: deps.openZoom,
          },
          action,
          req.body,
          `console:${user.name}`,
        );
        answer(req, res, result.status, result.message);
      } catch (err) {
        deps.log.error(
          { action, account, err: { message: (err as Error).message } },
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

type Target = { ok: true; account: string } | { ok: false; status: 400 | 404; message: string };

/**
 * The account a POST acts on: the form's `account`, which must be one of the user's (another
 * account's is answered as if nothing of it existed, and is logged), or the user's only one.
 */
function accountOfPost(
  deps: PostDeps,
  user: Principal,
  body: Record<string, unknown> | undefined,
  action: string,
): Target {
  const offered = offeredAccounts(user, deps.accountNames());
  const given = body?.account;
  if (given === undefined || given === '') {
    if (offered.length === 1) return { ok: true, account: offered[0]! };
    return {
      ok: false,
      status: 400,
      message: `Not sent: choose the account (${offered.join(', ') || 'none is yours'}).`,
    };
  }
  const account = chosenAccount(user, given);
  // Only an account in force: a name the file does not list is never looked up (nor placed on a shard).
  if (account !== undefined && offered.includes(account)) return { ok: true, account };
  deps.log.warn(
    {
      action,
      user: user.name,
      account: typeof given === 'string' ? given.slice(0, 40) : typeof given,
    },
    "console action refused: not one of the user's accounts",
  );
  return {
    ok: false,
    status: 404,
    message: 'No such meeting in your accounts: nothing was changed.',
  };
}
