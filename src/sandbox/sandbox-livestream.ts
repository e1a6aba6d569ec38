import { createRequestValidator, type LivestreamPath } from './request-validator';
import type { Answer } from './directory-types';
import type { RecordedRequest } from './sandbox-reply';

const RATE_LIMIT_MESSAGE =
  'Too many requests submitted to start the livestream of this meeting. Please retry after 30 seconds.';
const NOT_JSON: Answer = {
  status: 400,
  body: { code: 300, message: 'Request Body should be a valid JSON object.' },
};

/** `PATCH /v2/{meetings|webinars}/{id}/livestream[/status]`, split into its parts. */
export interface LivestreamCall {
  kind: 'meetings' | 'webinars';
  id: string;
  /** `/status` for the start/stop call, undefined for the stream target. */
  status: string | undefined;
}

export function matchLivestream(pathname: string): LivestreamCall | undefined {
  const match = /^\/v2\/(meetings|webinars)\/(\d+)\/livestream(\/status)?$/.exec(pathname);
  if (!match) return undefined;
  return { kind: match[1] as LivestreamCall['kind'], id: match[2]!, status: match[3] };
}

/**
 * The livestream PATCH calls as Zoom answers them: JSON bodies valid against Zoom's schemas, the
 * stream target stored, and the 429 "retry after 30 seconds" on a meeting's first
 * `rateLimitedStarts` start calls before a 204.
 */
export function createLivestreamEndpoint(
  rateLimitedStarts: number,
  streamTargets: Map<string, unknown>,
  started: Set<string>,
) {
  const validate = createRequestValidator();
  const startCalls = new Map<string, number>();

  function startOrStop(id: string, body: unknown): Answer {
    if ((body as { action: string }).action === 'stop') {
      started.delete(id);
      return { status: 204 };
    }
    const calls = (startCalls.get(id) ?? 0) + 1;
    startCalls.set(id, calls);
    if (calls <= rateLimitedStarts)
      return { status: 429, body: { code: 429, message: RATE_LIMIT_MESSAGE } };
    started.add(id);
    return { status: 204 };
  }

  return (call: LivestreamCall, record: RecordedRequest): Answer => {
    if (!(record.headers['content-type'] ?? '').startsWith('application/json')) return NOT_JSON;
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      return NOT_JSON;
    }
    const param = call.kind === 'meetings' ? '{meetingId}' : '{webinarId}';
    const path = `/${call.kind}/${param}/livestream${call.status ?? ''}` as LivestreamPath;
    const problems = validate(path, body);
    if (problems.length > 0)
      return {
        status: 400,
        body: { code: 300, message: `Validation Failed: ${problems.join('; ')}` },
      };
    if (call.status) return startOrStop(call.id, body);
    streamTargets.set(call.id, body);
    return { status: 204 };
  };
}
