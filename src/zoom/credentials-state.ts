import type { Logger } from '../logging/create-logger';
import { ZoomCredentialsError } from './errors';

/** What Zoom last said of our client credentials: nothing yet, accepted, or rejected. */
export type CredentialsState = 'unknown' | 'accepted' | 'rejected';

/**
 * What Zoom last said of the credentials named `credentialsId`. After a rejection callers fail
 * fast with the same error for `backoffMs`; the rejection is logged once, and so is the recovery.
 */
export function createCredentialsState(
  credentialsId: string,
  log: Logger,
  now: () => number,
  backoffMs: number,
) {
  let rejection: { error: ZoomCredentialsError; until: number } | undefined;
  let state: CredentialsState = 'unknown';
  return {
    state: () => state,
    /** The rejection to throw again while its backoff lasts. */
    backingOff: (): ZoomCredentialsError | undefined =>
      rejection && rejection.until > now() ? rejection.error : undefined,
    /** Zoom rejected the credentials: the error to throw, naming them by their hash. */
    rejected(err: ZoomCredentialsError): ZoomCredentialsError {
      if (!rejection) log.error({ status: err.status, reason: err.reason }, err.message);
      const named = new ZoomCredentialsError(err.status, err.reason, credentialsId);
      rejection = { error: named, until: now() + backoffMs };
      state = 'rejected';
      return named;
    },
    /** Zoom issued a token for these credentials. */
    accepted(): void {
      if (state === 'rejected') log.info('zoom credentials accepted again');
      rejection = undefined;
      state = 'accepted';
    },
    /** A token stored under their hash proves Zoom accepted exactly these credentials. */
    foundShared(): void {
      state = 'accepted';
    },
  };
}

export type CredentialsTracker = ReturnType<typeof createCredentialsState>;
