import { DEFAULT_ACCOUNT } from './account';

/**
 * The account a start job id belongs to (see `startJobId`): the name before the first `.`, or the
 * default account for a bare id. Neither the kind prefix nor base64url has a `.`, so the id alone
 * tells it, without reading the job.
 */
export function accountOfJobId(jobId: string): string {
  const dot = jobId.indexOf('.');
  return dot < 0 ? DEFAULT_ACCOUNT : jobId.slice(0, dot);
}
