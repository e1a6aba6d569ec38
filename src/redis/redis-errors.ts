/**
 * A Redis failure in words an operator can act on. Redis' own answers (OOM, READONLY, NOAUTH …)
 * are kept as they are; the client library's internals ("Stream isn't writeable and
 * enableOfflineQueue options is false") become what they mean.
 */
export function plainRedisError(err: unknown): string {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; name?: unknown; ms?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (e.name === 'ReplyError') return message;
  if (e.name === 'DeadlineError' && typeof e.ms === 'number')
    return `Redis did not answer within ${e.ms} ms`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'Redis refused the connection: nothing listens there (is Redis running?)';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'Redis closed the connection';
    case 'ETIMEDOUT':
      return 'Redis did not answer in time';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the Redis host name does not resolve (check the host in REDIS_URL)';
  }
  if (/Stream isn't writeable|Connection is closed|enableOfflineQueue/.test(message))
    return 'not connected to Redis (reconnecting)';
  if (e.name === 'MaxRetriesPerRequestError' || /max retries per request/.test(message))
    return 'Redis did not answer: the connection was lost';
  if (/Command timed out/i.test(message)) return 'Redis did not answer in time';
  return message;
}
