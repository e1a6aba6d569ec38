import { ZoomCredentialsError, type ZoomError } from '../zoom/errors';
import type { JobAlerts } from './job-alerts';
import type { StartProgress } from '../domain/start-progress';

/**
 * One `credentials_rejected` alert for rejected app credentials, not one per waiting start: each
 * process asks once per set of credentials (until the alert is queued), and the alert queue keeps
 * one per set across processes.
 */
export function createCredentialsAlert() {
  const alerted = new Set<string>();
  return async (
    rec: Pick<JobAlerts, 'raise'>,
    error: ZoomError,
    next: StartProgress,
  ): Promise<StartProgress> => {
    if (!(error instanceof ZoomCredentialsError)) return next;
    const key = `credentials-${error.credentialsId ?? 'unnamed'}`;
    if (alerted.has(key)) return next;
    const raised = await rec.raise('credentials_rejected', error.message, next, undefined, key);
    if (raised !== next) alerted.add(key);
    return raised;
  };
}
