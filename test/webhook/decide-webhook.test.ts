import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { admit, type ReceiverSettings } from '../../src/webhook/admit';
import type { Answer } from '../../src/webhook/answer';
import {
  decideWebhook,
  settle,
  type Decision,
  type ReadBody,
  type Stored,
  type Work,
} from '../../src/webhook/decide-webhook';

const NOW = Date.parse('2026-11-22T09:00:00Z');
const TS = String(NOW / 1000);
const LIMIT = 65_536;
const settings: ReceiverSettings = {
  secrets: ['old-secret', 'new-secret'],
  toleranceSeconds: 300,
  bodyLimitBytes: LIMIT,
};

/** Zoom's signature computed here, not by the code under test. */
function sign(secret: string, timestamp: string, raw: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
}

interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
}

function delivery(
  body: object | string,
  opts: { secret?: string; timestamp?: string; headers?: IncomingHttpHeaders } = {},
): Delivery {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = opts.timestamp ?? TS;
  return {
    raw,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(raw)),
      'x-zm-request-timestamp': timestamp,
      'x-zm-signature': sign(opts.secret ?? 'new-secret', timestamp, raw),
      'x-zm-trackingid': 'track-1',
      ...opts.headers,
    },
  };
}

const object = { id: 85012345678, uuid: 'u/1+==', host_id: 'h1', topic: 'Sunday', type: 2 };
const event = (name: string, extra: object = {}, eventTs: number | null = NOW - 5000) => ({
  event: name,
  ...(eventTs !== null && { event_ts: eventTs }),
  payload: { account_id: 'acc', object: { ...object, ...extra } },
});

/** Head, then body, as the router runs them; the body is read whole unless it is over the limit. */
function receive(d: Delivery, body?: ReadBody): Decision {
  const admission = admit(d.headers, settings);
  if (admission.type === 'answer') return admission;
  return decideWebhook(
    { headers: d.headers, body: body ?? { kind: 'complete', body: Buffer.from(d.raw) } },
    NOW,
    settings,
  );
}

const answered = (a: Partial<Answer>) => ({ type: 'answer', answer: expect.objectContaining(a) });
const error = (code: string, message: string | RegExp) => ({
  error: code,
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});
const stored = (work: Work, event: string): object =>
  expect.objectContaining({ type: 'store', work, event }) as object;
const started = event('meeting.started');
const ended = event('meeting.ended');

describe('the receiver decision, one row per line of the HTTP contract', () => {
  it.each<[string, Delivery, object, ReadBody?]>([
    [
      '413 at once for a body declared beyond what would be read',
      delivery(started, { headers: { 'content-length': String(LIMIT * 128 + 1) } }),
      answered({
        status: 413,
        outcome: 'too_large',
        body: error('too_large', `body over ${LIMIT} bytes`),
        fields: { trackingId: 'track-1', declaredBytes: LIMIT * 128 + 1 },
      }),
    ],
    [
      '413 after reading a body declared over the limit, whatever its content type',
      delivery(started, {
        headers: { 'content-length': String(LIMIT + 1), 'content-type': 'text/plain' },
      }),
      answered({
        status: 413,
        outcome: 'too_large',
        fields: { trackingId: 'track-1', receivedBytes: LIMIT + 1, drained: true },
      }),
      { kind: 'too_large', receivedBytes: LIMIT + 1, drained: true },
    ],
    [
      '413 for a streamed body that turned out over the limit',
      delivery(started, {
        headers: { 'content-length': undefined, 'transfer-encoding': 'chunked' },
      }),
      answered({ status: 413, outcome: 'too_large' }),
      { kind: 'too_large', receivedBytes: LIMIT * 128 + 1, drained: false },
    ],
    [
      '415 for a content type other than JSON',
      delivery(started, { headers: { 'content-type': 'text/plain' } }),
      answered({
        status: 415,
        event: 'unknown',
        outcome: 'unsupported_media_type',
        body: error('unsupported_media_type', 'content-type must be application/json'),
      }),
    ],
    [
      '415 without a content type',
      delivery(started, { headers: { 'content-type': undefined } }),
      answered({ status: 415, outcome: 'unsupported_media_type' }),
    ],
    [
      '415 for a gzip body (never inflated)',
      delivery(started, { headers: { 'content-encoding': 'gzip' } }),
      answered({
        status: 415,
        body: error('unsupported_media_type', 'unsupported content encoding'),
      }),
    ],
    [
      '401 naming missing signature headers',
      delivery(started, { headers: { 'x-zm-signature': undefined } }),
      answered({
        status: 401,
        outcome: 'bad_signature',
        body: error('missing_headers', 'signature not accepted'),
        fields: { trackingId: 'track-1', reason: 'missing_headers' },
      }),
    ],
    [
      '401 for a malformed signature',
      delivery(started, { headers: { 'x-zm-signature': 'v0=zz' } }),
      answered({ status: 401, body: error('malformed_signature', 'signature not accepted') }),
    ],
    [
      '401 for a signature by another secret',
      delivery(started, { secret: 'not-configured' }),
      answered({ status: 401, outcome: 'bad_signature', body: error('bad_signature', /./) }),
    ],
    [
      '401 stale for a timestamp more than the tolerance in the past',
      delivery(started, { timestamp: String(NOW / 1000 - 301) }),
      answered({ status: 401, outcome: 'stale', body: error('stale', 'signature not accepted') }),
    ],
    [
      '401 stale for a timestamp more than the tolerance in the future',
      delivery(started, { timestamp: String(NOW / 1000 + 301) }),
      answered({ status: 401, outcome: 'stale' }),
    ],
    [
      '400 for a signed body that is not JSON',
      delivery('{"event":'),
      answered({
        status: 400,
        event: 'unknown',
        outcome: 'invalid',
        body: error('invalid_body', 'body is not valid JSON'),
      }),
    ],
    [
      '400 for signed JSON that is not a Zoom envelope',
      delivery({ hello: 'world' }),
      answered({ status: 400, body: error('invalid_body', /^not a Zoom event: event: /) }),
    ],
    [
      '400 for a meeting id of 0',
      delivery(event('meeting.started', { id: 0 })),
      answered({
        status: 400,
        event: 'meeting.started',
        outcome: 'invalid',
        body: error('invalid_body', 'payload.object.id: must be a positive whole number'),
      }),
    ],
    [
      '400 for a numeric meeting id at 2^53 (not exact in JSON)',
      delivery(event('meeting.started', { id: 2 ** 53 })),
      answered({ status: 400, body: error('invalid_body', /send it as a string/) }),
    ],
    [
      '400 for a url_validation without a plainToken',
      delivery({ event: 'endpoint.url_validation', payload: {} }),
      answered({ status: 400, body: error('invalid_body', /^payload\.plainToken: /) }),
    ],
    [
      '200 answering url_validation with the HMAC of the secret that signed it',
      delivery(
        { event: 'endpoint.url_validation', payload: { plainToken: 'tok' } },
        { secret: 'old-secret' },
      ),
      answered({
        status: 200,
        outcome: 'validated',
        body: {
          plainToken: 'tok',
          encryptedToken: createHmac('sha256', 'old-secret').update('tok').digest('hex'),
        },
      }),
    ],
    [
      '204, no work, for any other signed event',
      delivery(event('recording.completed')),
      answered({ status: 204, event: 'recording.completed', outcome: 'ignored' }),
    ],
    [
      'a start to store for a signed meeting.started, signed with a millisecond timestamp',
      delivery(started, { timestamp: String(NOW) }),
      stored(
        {
          type: 'enqueue',
          data: {
            kind: 'meeting',
            meetingId: '85012345678',
            uuid: 'u/1+==',
            topic: 'Sunday',
            hostId: 'h1',
            meetingType: 2,
            receivedAt: NOW,
            source: 'webhook',
          },
        },
        'meeting.started',
      ),
    ],
    [
      'a webinar start, with only the fields Zoom sent',
      delivery(
        event('webinar.started', {
          id: '98765432109',
          topic: undefined,
          host_id: undefined,
          type: undefined,
        }),
      ),
      stored(
        {
          type: 'enqueue',
          data: {
            kind: 'webinar',
            meetingId: '98765432109',
            uuid: 'u/1+==',
            receivedAt: NOW,
            source: 'webhook',
          },
        },
        'webinar.started',
      ),
    ],
    [
      'an ended fact at Zoom’s event time for meeting.ended',
      delivery(ended),
      stored(
        { type: 'record', kind: 'meeting', uuid: 'u/1+==', fact: 'ended', at: NOW - 5000 },
        'meeting.ended',
      ),
    ],
    [
      'an ended fact at the receipt time when Zoom sent no event_ts',
      delivery(event('webinar.ended', {}, null)),
      stored(
        { type: 'record', kind: 'webinar', uuid: 'u/1+==', fact: 'ended', at: NOW },
        'webinar.ended',
      ),
    ],
    [
      'a live fact for live_streaming_started',
      delivery(event('meeting.live_streaming_started')),
      stored(
        { type: 'record', kind: 'meeting', uuid: 'u/1+==', fact: 'live', at: NOW - 5000 },
        'meeting.live_streaming_started',
      ),
    ],
    [
      'a stopped fact for live_streaming_stopped',
      delivery(event('webinar.live_streaming_stopped')),
      stored(
        { type: 'record', kind: 'webinar', uuid: 'u/1+==', fact: 'stopped', at: NOW - 5000 },
        'webinar.live_streaming_stopped',
      ),
    ],
  ])('%s', (_row, d, expected, ...[body]) => {
    // (a rest parameter: a fourth named one would make jest pass its `done` callback)
    const decision = receive(d, body);
    expect(decision).toEqual(expected);
    expect(JSON.stringify(decision)).not.toMatch(/old-secret|new-secret/);
  });

  it('lets a JSON body with a charset or identity encoding through to the body', () => {
    const d = delivery(started, { headers: { 'content-encoding': 'identity' } });
    expect(admit(d.headers, settings)).toEqual({ type: 'read' });
  });

  it('sends no body with the 204 of an ignored event', () => {
    const decision = receive(delivery(event('recording.completed')));
    expect(decision).toMatchObject({ type: 'answer', answer: { status: 204 } });
    expect((decision as Extract<Decision, { type: 'answer' }>).answer.body).toBeUndefined();
  });

  it('names the meeting in the log fields of work to store', () => {
    const decision = receive(delivery(started));
    expect(decision).toMatchObject({
      fields: { trackingId: 'track-1', meetingId: '85012345678', topic: 'Sunday' },
    });
  });
});

describe('settle: the answer once the store has spoken', () => {
  const pending = (d: Delivery) => receive(d) as Extract<Decision, { type: 'store' }>;

  it.each<[string, Delivery, Stored, Partial<Answer>]>([
    [
      '204 accepted for a new start',
      delivery(started),
      { ok: true, jobId: 'j1', duplicate: false },
      { status: 204, outcome: 'accepted' },
    ],
    [
      '204 duplicate for a start already stored',
      delivery(started),
      { ok: true, jobId: 'j1', duplicate: true },
      { status: 204, outcome: 'duplicate' },
    ],
    [
      '204 ended for an ended instance',
      delivery(ended),
      { ok: true, jobId: 'j1', found: true },
      { status: 204, outcome: 'ended' },
    ],
    [
      '204 confirmed for a live stream',
      delivery(event('meeting.live_streaming_started')),
      { ok: true, jobId: 'j1', found: false },
      { status: 204, outcome: 'confirmed' },
    ],
    [
      '204 stopped for a stream the host stopped',
      delivery(event('meeting.live_streaming_stopped')),
      { ok: true, jobId: 'j1', found: true },
      { status: 204, outcome: 'stopped' },
    ],
  ])('%s', (_row, d, result, expected) => {
    const answer = settle(pending(d), result);
    expect(answer).toMatchObject({ ...expected, fields: expect.objectContaining({ jobId: 'j1' }) });
    expect(answer.body).toBeUndefined();
  });

  it('records whether a fact found its start job', () => {
    const answer = settle(pending(delivery(ended)), { ok: true, jobId: 'j1', found: false });
    expect(answer.fields).toMatchObject({ jobId: 'j1', found: false, meetingId: '85012345678' });
  });

  it('503 when Redis did not take the work, saying why in the log only', () => {
    const failure = new Error('write reached 0 of 1 replicas in time');
    const answer = settle(pending(delivery(started)), { ok: false, error: failure });
    expect(answer).toEqual({
      event: 'meeting.started',
      outcome: 'unavailable',
      status: 503,
      body: { error: 'unavailable', message: 'queue unavailable, retry later' },
      fields: expect.objectContaining({ err: { message: failure.message } }),
    });
  });
});
