import type { IncomingHttpHeaders } from 'node:http';
import { printable } from '../domain/plain-text';
import { discardLimitBytes } from './read-body';
import { jsonError, type Answer, type LogFields } from './answer';

/** The account a webhook path names, as the decision needs it (never its secrets). */
export interface PathAccount {
  /** The account's name: job data, facts and logs carry it. */
  name: string;
  /** Its Zoom account id, which `payload.account_id` must equal; empty when not known. */
  zoomAccountId: string;
}

/** What a request is decided with; the secrets never leave the decision. */
export interface ReceiverSettings {
  /** The path's account's webhook secret tokens (several while rotating). */
  secrets: readonly string[];
  toleranceSeconds: number;
  bodyLimitBytes: number;
  /** The path's account; absent: the default account, whose `account_id` is not checked. */
  account?: PathAccount;
}

/** Before the body is read: answer at once, or read it. */
export type Admission = { type: 'answer'; answer: Answer } | { type: 'read' };

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The fields every log line of a request starts with (Zoom's tracking id, cut short). */
export function requestFields(headers: IncomingHttpHeaders): LogFields {
  const trackingId = header(headers, 'x-zm-trackingid');
  return trackingId ? { trackingId: trackingId.slice(0, 100) } : {};
}

export function tooLargeAnswer(limitBytes: number, fields: LogFields): Answer {
  const body = jsonError('too_large', `body over ${limitBytes} bytes`);
  return { event: 'unknown', outcome: 'too_large', status: 413, body, fields };
}

/**
 * 404 for a path that names no account in force (unknown, removed, or no name at all), decided on
 * the head: the body is never read, and the connection is closed at once (left open, Node would
 * wait for the unread body until the request timeout). The log keeps what the path said, cut short
 * and printable; the metric never does.
 */
export function unknownAccountAnswer(headers: IncomingHttpHeaders, segment: string): Answer {
  const fields = { ...requestFields(headers), pathAccount: printable(segment).slice(0, 40) };
  const body = jsonError('not_found', 'no such endpoint');
  return { event: 'unknown', outcome: 'unknown_account', status: 404, body, fields };
}

/**
 * The checks on the request head, cheapest first: a body declared beyond what would be read to
 * deliver the 413 is answered at once; one declared over the limit is read and thrown away (the
 * 413 follows the read); then the media type and the encoding (never inflated).
 */
export function admit(
  headers: IncomingHttpHeaders,
  settings: Pick<ReceiverSettings, 'bodyLimitBytes'>,
): Admission {
  const fields = requestFields(headers);
  const length = Number(headers['content-length'] ?? 0);
  if (length > discardLimitBytes(settings.bodyLimitBytes)) {
    const answer = tooLargeAnswer(settings.bodyLimitBytes, { ...fields, declaredBytes: length });
    return { type: 'answer', answer };
  }
  if (length > settings.bodyLimitBytes) return { type: 'read' };
  if (!isJson(headers)) return unsupported(fields, 'content-type must be application/json');
  const encoding = header(headers, 'content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity')
    return unsupported(fields, 'unsupported content encoding');
  return { type: 'read' };
}

function unsupported(fields: LogFields, message: string): Admission {
  const body = jsonError('unsupported_media_type', message);
  const answer: Answer = {
    event: 'unknown',
    outcome: 'unsupported_media_type',
    status: 415,
    body,
    fields,
  };
  return { type: 'answer', answer };
}

/** As Express's `req.is('application/json')`: a request with a body whose media type is JSON. */
function isJson(headers: IncomingHttpHeaders): boolean {
  const hasBody =
    headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(headers['content-length']));
  if (!hasBody) return false;
  const mediaType = header(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}
