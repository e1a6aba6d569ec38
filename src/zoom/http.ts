import { Agent, errors, request, type Dispatcher } from 'undici';
import { ZoomApiError, ZoomNetworkError } from './errors';
import { parseRetryAfter } from './retry-after';
import { noTracing, type ClientSpan, type Tracing } from '../telemetry/tracing';

/** One keep-alive connection pool per origin (undici's Agent), shared by every Zoom call. */
export function createZoomDispatcher(timeoutMs: number): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    connections: 64,
    connect: { timeout: Math.min(timeoutMs, 5000) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
}

/**
 * Exactly one HTTP attempt, bounded by `timeoutMs` in all; the body is always read to the end so
 * the connection returns to the pool. Retrying is the job queue's business, never this function's.
 * The call is one client span of `tracing` (status, Zoom code, tracking id; no headers, no query).
 */
export async function sendOnce(
  dispatcher: Dispatcher,
  endpoint: string,
  url: string,
  options: {
    method: 'GET' | 'POST' | 'PATCH' | 'HEAD';
    headers: Record<string, string>;
    body?: string;
    timeoutMs: number;
    /** Default: none. */
    tracing?: Tracing;
  },
): Promise<RawAnswer> {
  const target = URL.parse(url); // an unusable URL still fails as a network error, below
  const attributes = {
    'http.request.method': options.method,
    // Without the query string: nothing in it is needed to read a trace.
    ...(target && { 'url.full': `${target.origin}${target.pathname}` }),
    ...(target && { 'server.address': target.hostname }),
    'zoom.endpoint': endpoint,
  };
  return (options.tracing ?? noTracing).clientSpan(options.method, attributes, async (span) => {
    const answer = await sendUntraced(dispatcher, endpoint, url, options);
    recordAnswer(span, answer);
    return answer;
  });
}

/** What a trace shows of an answer: status, tracking id, and for an error Zoom's code. */
function recordAnswer(span: ClientSpan, answer: RawAnswer): void {
  span.setAttributes({ 'http.response.status_code': answer.status });
  const trackingId = answer.headers['x-zm-trackingid'];
  if (trackingId) span.setAttributes({ 'zoom.tracking_id': trackingId });
  if (answer.status >= 400) {
    const { zoomCode } = parseZoomError(answer.text);
    if (zoomCode !== undefined) span.setAttributes({ 'zoom.code': zoomCode });
    span.fail(String(answer.status));
  }
}

async function sendUntraced(
  dispatcher: Dispatcher,
  endpoint: string,
  url: string,
  options: Parameters<typeof sendOnce>[3],
): Promise<RawAnswer> {
  try {
    const res = await request(url, {
      dispatcher,
      method: options.method,
      headers: options.headers,
      body: options.body ?? null,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await res.body.text();
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      headers[name] = Array.isArray(value) ? value[0] : value;
    }
    return { status: res.statusCode, headers, text };
  } catch (err) {
    throw new ZoomNetworkError(endpoint, networkCode(err), { cause: err });
  }
}

function networkCode(err: unknown): string {
  if (err instanceof errors.UndiciError) return err.code;
  const e = err as { name?: string; code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'TIMEOUT';
  return e.code ?? e.name ?? 'UNKNOWN';
}

/** Zoom's error body `{code, message}`, tolerating anything else. */
export function parseZoomError(text: string): {
  zoomCode: number | undefined;
  zoomMessage: string;
} {
  try {
    const body = JSON.parse(text) as {
      code?: unknown;
      message?: unknown;
      reason?: unknown;
      error?: unknown;
    };
    const code = typeof body.code === 'number' ? body.code : Number(body.code);
    const message = [body.message, body.reason, body.error].find((m) => typeof m === 'string');
    return {
      zoomCode: Number.isFinite(code) ? code : undefined,
      zoomMessage: typeof message === 'string' ? message.slice(0, 500) : '',
    };
  } catch {
    return { zoomCode: undefined, zoomMessage: text.slice(0, 200) };
  }
}

/** Zoom's non-2xx answer as the error every caller throws: status, code, words, tracking id, limits. */
export function answerError(endpoint: string, answer: RawAnswer, nowMs: number): ZoomApiError {
  return new ZoomApiError({
    endpoint,
    status: answer.status,
    ...parseZoomError(answer.text),
    trackingId: answer.headers['x-zm-trackingid'],
    retryAfterMs: parseRetryAfter(answer.headers['retry-after'], nowMs),
    rateLimitType: answer.headers['x-ratelimit-type'],
  });
}
