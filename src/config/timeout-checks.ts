/** Timeouts that only make sense together; a value that was itself invalid is `undefined`. */
export interface Timeouts {
  headersMs: number | undefined;
  requestMs: number | undefined;
  idleMs: number | undefined;
  redisBudgetMs: number | undefined;
}

/** Problems in how the HTTP timeouts relate, as `VARIABLE: why` lines for a `ConfigError`. */
export function timeoutProblems(t: Timeouts): string[] {
  const problems: string[] = [];
  if (t.headersMs !== undefined && t.requestMs !== undefined && t.requestMs < t.headersMs)
    problems.push('HTTP_REQUEST_TIMEOUT_MS: must be at least HTTP_HEADERS_TIMEOUT_MS');
  // While a webhook waits for Redis no byte moves on its connection: the idle timeout must not
  // close it before the 503 can be sent.
  if (t.idleMs !== undefined && t.redisBudgetMs !== undefined && t.idleMs <= t.redisBudgetMs)
    problems.push('HTTP_IDLE_TIMEOUT_MS: must be longer than WEBHOOK_REDIS_BUDGET_MS');
  return problems;
}
