import fc from 'fast-check';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { decide, type CallOutcome } from '../../src/livestream/decide';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import type { StartJobData } from '../../src/domain/start-job';
import { signZoomWebhook, verifyZoomWebhook } from '../../src/webhook/signature';
import { ZoomApiError, ZoomNetworkError } from '../../src/zoom/errors';
import { SECRET } from '../support/webhook';
import { createFaultWorld, type FaultWorld } from './processes';

let world: FaultWorld | undefined;
afterEach(() => world?.close());

interface FuzzRequest {
  body: Uint8Array | string;
  contentType: string;
  signature: 'valid' | 'other-secret' | 'garbage' | 'missing';
  timestamp: 'fresh' | 'stale' | 'future' | 'ms' | 'garbage' | 'missing';
  garbage: string;
}

const meetingLike = fc.record({
  event: fc.constantFrom(
    'meeting.started',
    'meeting.ended',
    'webinar.started',
    'meeting.live_streaming_started',
    'endpoint.url_validation',
    'x',
  ),
  event_ts: fc.oneof(fc.integer(), fc.string()),
  payload: fc.oneof(
    fc.record({
      object: fc.record({
        id: fc.oneof(fc.nat(), fc.string(), fc.double()),
        uuid: fc.oneof(fc.string(), fc.nat()),
        topic: fc.string(),
      }),
    }),
    fc.record({ plainToken: fc.oneof(fc.string(), fc.nat()) }),
    fc.anything(),
  ),
});

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  body: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.string({ maxLength: 300 }),
    meetingLike.map((o) => JSON.stringify(o)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
  ),
  signature: fc.constantFrom('valid', 'valid', 'other-secret', 'garbage', 'missing'),
  timestamp: fc.constantFrom('fresh', 'fresh', 'stale', 'future', 'ms', 'garbage', 'missing'),
  garbage: fc.string({ maxLength: 80 }),
});

function toHttp(r: FuzzRequest): {
  headers: Record<string, string>;
  body: Buffer;
  validlySigned: boolean;
} {
  const body = Buffer.from(r.body);
  const now = Date.now();
  const ts = {
    fresh: String(Math.floor(now / 1000)),
    stale: String(Math.floor(now / 1000) - 3600),
    future: String(Math.floor(now / 1000) + 3600),
    ms: String(now),
    garbage: r.garbage.replace(/[^\x20-\x7e]/g, ''),
    missing: '',
  }[r.timestamp];
  const headers: Record<string, string> = {};
  if (r.contentType) headers['content-type'] = r.contentType;
  if (ts) headers['x-zm-request-timestamp'] = ts;
  const sig = {
    valid: signZoomWebhook(SECRET, ts, body),
    'other-secret': signZoomWebhook('other', ts, body),
    garbage: r.garbage.replace(/[^\x20-\x7e]/g, ''),
    missing: '',
  }[r.signature];
  if (sig) headers['x-zm-signature'] = sig;
  const validlySigned =
    r.signature === 'valid' &&
    ['fresh', 'ms'].includes(r.timestamp) &&
    /^application\/json/.test(r.contentType);
  return { headers, body, validlySigned };
}

it('10,000 fuzzed requests: never a 5xx, never a crash, never a job without a valid signature', async () => {
  world = await createFaultWorld(0);
  const receiver = await world.service('receiver');
  const requests = fc.sample(fuzzRequest, { numRuns: 10_000, seed: 20261122 });
  const signedUuids = new Set<string>();
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < requests.length) {
        const r = toHttp(requests[next++]!);
        if (r.validlySigned) {
          try {
            const uuid = (
              JSON.parse(r.body.toString('utf8')) as { payload?: { object?: { uuid?: unknown } } }
            ).payload?.object?.uuid;
            if (typeof uuid === 'string') signedUuids.add(uuid);
          } catch {
            /* not JSON: cannot make a job */
          }
        }
        const res = await fetch(`${receiver.url}/webhooks/zoom`, {
          method: 'POST',
          headers: r.headers,
          body: r.body,
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  expect([...statuses.keys()].every((s) => [200, 204, 400, 401, 413, 415].includes(s))).toBe(true);
  expect([...statuses.values()].reduce((a, b) => a + b)).toBe(10_000);
  expect(statuses.get(401)).toBeGreaterThan(1000); // the fuzz reached the signature check
  expect((statuses.get(204) ?? 0) + (statuses.get(400) ?? 0)).toBeGreaterThan(100); // and got past it
  expect((await fetch(`${receiver.url}/healthz`)).status).toBe(200);
  expect(receiver.child.exitCode).toBeNull();

  const connection = new Redis(world.redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix: 'faults' });
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  for (const job of jobs) expect(signedUuids.has(job.data.uuid)).toBe(true);
  await queue.close();
  connection.disconnect();
}, 240_000);

describe('properties', () => {
  it('the signature verifier accepts exactly what the secret signed, and never throws', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 500 }),
        fc.string(),
        fc.string(),
        fc.integer({ min: -1000, max: 1000 }),
        (body, secret, forged, skew) => {
          const now = 1_790_000_000_000;
          const ts = String(now / 1000 + skew);
          const raw = Buffer.from(body);
          const good = verifyZoomWebhook({
            secrets: [secret || 'x'],
            timestamp: ts,
            signature: signZoomWebhook(secret || 'x', ts, raw),
            rawBody: raw,
            nowMs: now,
            toleranceSeconds: 300,
          });
          expect(good.ok).toBe(Math.abs(skew) <= 300);
          const bad = verifyZoomWebhook({
            secrets: [secret || 'x'],
            timestamp: ts,
            signature: forged,
            rawBody: raw,
            nowMs: now,
            toleranceSeconds: 300,
          });
          expect(bad.ok).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  const outcomes: fc.Arbitrary<CallOutcome> = fc.oneof(
    fc.constant<CallOutcome>({ ok: true, status: 204 }),
    fc
      .record({
        status: fc.constantFrom(300, 400, 401, 404, 429, 500, 502, 503),
        zoomCode: fc.option(fc.constantFrom(124, 200, 300, 1001, 3000, 3001, 4711), {
          nil: undefined,
        }),
        zoomMessage: fc.constantFrom('', 'Meeting has not started', 'Too many requests', 'x'),
        retryAfterMs: fc.option(fc.nat({ max: 10 * 86_400_000 }), { nil: undefined }),
        rateLimitType: fc.option(fc.constantFrom('QPS', 'Daily-limit', 'Light'), {
          nil: undefined,
        }),
      })
      .map((f): CallOutcome => ({
        ok: false,
        error: new ZoomApiError({ endpoint: 'livestream.status', trackingId: undefined, ...f }),
      })),
    fc.constant<CallOutcome>({
      ok: false,
      error: new ZoomNetworkError('livestream.status', 'TIMEOUT'),
    }),
  );

  it('decide: never calls sooner than the delay after a livestream 429, and never schedules past the deadline', () => {
    fc.assert(
      fc.property(
        outcomes,
        fc.nat({ max: 20 }),
        fc.nat({ max: 20 }),
        fc.nat({ max: 5 * 3600_000 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (outcome, transient, notStarted, elapsed, random) => {
          const policy = {
            retryDelayMs: 30_000,
            giveUpAfterMs: 4 * 3600_000,
            backoffBaseMs: 2000,
            backoffMaxMs: 60_000,
          };
          const receivedAt = 1_790_000_000_000;
          const now = receivedAt + elapsed;
          const d = decide({
            outcome,
            counters: { transientFailures: transient, notStartedRetries: notStarted },
            now,
            receivedAt,
            policy,
            random,
          });
          if (d.type === 'retry') {
            expect(d.at).toBeGreaterThanOrEqual(now);
            expect(d.at).toBeLessThanOrEqual(receivedAt + policy.giveUpAfterMs);
            if (d.reason === 'livestream_rate_limited')
              expect(d.at - now).toBeGreaterThanOrEqual(policy.retryDelayMs);
          }
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('decide: any sequence of answers ends by the deadline (done or failed)', () => {
    fc.assert(
      fc.property(fc.array(outcomes, { minLength: 1, maxLength: 400 }), (answers) => {
        const policy = {
          retryDelayMs: 30_000,
          giveUpAfterMs: 4 * 3600_000,
          backoffBaseMs: 2000,
          backoffMaxMs: 60_000,
        };
        const receivedAt = 0;
        let now = 0;
        let counters = { transientFailures: 0, notStartedRetries: 0 };
        for (let i = 0; ; i++) {
          const d = decide({
            outcome: answers[i % answers.length]!,
            counters,
            now,
            receivedAt,
            policy,
            random: 0.5,
          });
          if (d.type !== 'retry') return;
          expect(d.at).toBeLessThanOrEqual(policy.giveUpAfterMs);
          // Time always moves forward by at least 500 ms per retry, so the loop ends by the deadline.
          expect(d.at - now).toBeGreaterThanOrEqual(500);
          now = d.at;
          counters = {
            transientFailures: d.reason === 'zoom_unavailable' ? counters.transientFailures + 1 : 0,
            notStartedRetries:
              d.reason === 'meeting_not_started' ? counters.notStartedRetries + 1 : 0,
          };
        }
      }),
      { numRuns: 500 },
    );
  });
});
