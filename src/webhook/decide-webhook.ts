import type { IncomingHttpHeaders } from 'node:http';
import { header, requestFields, tooLargeAnswer, type ReceiverSettings } from './admit';
import { jsonError, type Answer, type Decision, type LogFields } from './answer';
import { decideEvent } from './decide-event';
import { describeIssue, envelopeSchema, type Envelope } from './envelope';
import type { BodyRead } from './read-body';
import { verifyZoomWebhook } from './signature';
import { FACT_OUTCOME } from '../domain/zoom-events';

export type { Decision, Work } from './answer';

/** A body read to its end, or over the limit (the 413); a body cut short gets no answer. */
export type ReadBody = Exclude<BodyRead, { kind: 'cut' }>;

export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  body: ReadBody;
}

const answer = (a: Answer): Decision => ({ type: 'answer', answer: a });

/**
 * The receiver's decision on a request whose head was admitted: no I/O, no clock of its own.
 * Nothing is believed before the signature: 413, then 401, then 400, then the event (403 when
 * it is about another Zoom account than the path's).
 * @see https://developers.zoom.us/docs/api/webhooks/
 */
export function decideWebhook(
  request: WebhookRequest,
  now: number,
  settings: ReceiverSettings,
): Decision {
  const fields = requestFields(request.headers);
  const { body } = request;
  if (body.kind === 'too_large') {
    const sizes = { receivedBytes: body.receivedBytes, drained: body.drained };
    return answer(tooLargeAnswer(settings.bodyLimitBytes, { ...fields, ...sizes }));
  }
  const verified = verifyZoomWebhook({
    secrets: settings.secrets,
    timestamp: header(request.headers, 'x-zm-request-timestamp'),
    signature: header(request.headers, 'x-zm-signature'),
    rawBody: body.body,
    nowMs: now,
    toleranceSeconds: settings.toleranceSeconds,
  });
  if (!verified.ok) {
    const outcome = verified.reason === 'stale' ? 'stale' : 'bad_signature';
    const error = jsonError(verified.reason, 'signature not accepted');
    const why = { ...fields, reason: verified.reason };
    return answer({ event: 'unknown', outcome, status: 401, body: error, fields: why });
  }
  const envelope = parseEnvelope(body.body);
  if (typeof envelope === 'string') {
    const error = jsonError('invalid_body', envelope);
    return answer({ event: 'unknown', outcome: 'invalid', status: 400, body: error, fields });
  }
  return decideEvent(envelope, verified.secret, now, fields, settings.account);
}

/** What storing the work came to: the enqueue's or the record's answer, or why it failed. */
export type Stored =
  { ok: true; jobId: string; duplicate?: boolean; found?: boolean } | { ok: false; error: Error };

/** The answer once the store has spoken: 204 when Redis holds the work, else 503 (Zoom redelivers). */
export function settle(decision: Extract<Decision, { type: 'store' }>, stored: Stored): Answer {
  const { event, work } = decision;
  if (!stored.ok) {
    const fields = { ...decision.fields, err: { message: stored.error.message } };
    const body = jsonError('unavailable', 'queue unavailable, retry later');
    return { event, outcome: 'unavailable', status: 503, body, fields };
  }
  const fields: LogFields = { ...decision.fields, jobId: stored.jobId };
  if (work.type === 'enqueue') {
    return { event, outcome: stored.duplicate ? 'duplicate' : 'accepted', status: 204, fields };
  }
  fields.found = stored.found;
  return { event, outcome: FACT_OUTCOME[work.fact], status: 204, fields };
}

function parseEnvelope(rawBody: Buffer): Envelope | string {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return 'body is not valid JSON';
  }
  const parsed = envelopeSchema.safeParse(json);
  return parsed.success ? parsed.data : `not a Zoom event: ${describeIssue(parsed.error)}`;
}
