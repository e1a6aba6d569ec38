import type { Logger } from '../logging/create-logger';
import { ZoomApiError, ZoomCredentialsError, ZoomError } from '../zoom/errors';
import type { SweepReport } from './sweep-types';

/** Runs one user's list step; false when its list call failed (logged) and the sweep goes on. */
export type UserStep = (
  user: string,
  what: string,
  step: () => Promise<void>,
  report: SweepReport,
) => Promise<boolean>;

/**
 * The sweep's guard around one user's list call. A user Zoom does not know is said once when it
 * starts and once when it stops; Zoom's trouble with one call counts as failed and the sweep goes
 * on; anything else (a 429, rejected credentials, Redis) ends the sweep.
 */
export function createUserStep(log: Logger): UserStep {
  const unknownUsers = new Set<string>();
  return async (user, what, step, report) => {
    try {
      await step();
      if (unknownUsers.delete(user)) log.info({ user }, 'reconcile: Zoom knows this user again');
      return true;
    } catch (err) {
      if (isUnknownUser(err)) {
        if (!unknownUsers.has(user))
          log.error({ user }, 'reconcile: Zoom does not know this user in the account');
        unknownUsers.add(user);
        return false;
      }
      if (!goesOn(err)) throw err;
      report.failed++;
      log.warn(
        { user, err: { message: err.message } },
        `reconcile: listing this user's ${what} meetings failed; the sweep goes on with the next user`,
      );
      return false;
    }
  };
}

/** Zoom's trouble with one call (5xx, timeout, reset, 4xx): the sweep goes on with the next user. */
function goesOn(err: unknown): err is ZoomError {
  if (!(err instanceof ZoomError) || err instanceof ZoomCredentialsError) return false;
  return !(err instanceof ZoomApiError && err.status === 429);
}

/** `404 code 1001`: the user does not exist or is not in this account. */
export function isUnknownUser(err: unknown): boolean {
  return err instanceof ZoomApiError && err.status === 404 && err.zoomCode === 1001;
}
