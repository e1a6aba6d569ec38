import { decide, type CallOutcome } from '../../src/livestream/decide';
import type { Decision } from '../../src/domain/decision';
import { ZoomApiError, ZoomCredentialsError, ZoomNetworkError } from '../../src/zoom/errors';

const NOW = Date.parse('2026-11-22T09:00:00Z');
const RECEIVED = NOW - 60_000;
const policy = {
  retryDelayMs: 30_000,
  giveUpAfterMs: 4 * 3600_000,
  backoffBaseMs: 2000,
  backoffMaxMs: 60_000,
};

function api(
  status: number,
  fields: Partial<ConstructorParameters<typeof ZoomApiError>[0]> = {},
): CallOutcome {
  return {
    ok: false,
    error: new ZoomApiError({
      endpoint: 'livestream.status',
      status,
      zoomCode: undefined,
      zoomMessage: '',
      trackingId: undefined,
      retryAfterMs: undefined,
      rateLimitType: undefined,
      ...fields,
    }),
  };
}

function run(
  outcome: CallOutcome,
  overrides: {
    transientFailures?: number;
    notStartedRetries?: number;
    now?: number;
    random?: number;
  } = {},
): Decision {
  return decide({
    outcome,
    counters: {
      transientFailures: overrides.transientFailures ?? 0,
      notStartedRetries: overrides.notStartedRetries ?? 0,
    },
    now: overrides.now ?? NOW,
    receivedAt: RECEIVED,
    policy,
    random: overrides.random ?? 0.5,
  });
}

const LIVESTREAM_429 =
  'Too many requests submitted to start the livestream of this meeting. Please retry after 30 seconds.';

describe('decide', () => {
  it.each<[string, CallOutcome, Decision]>([
    ['204 → done', { ok: true, status: 204 }, { type: 'done' }],
    [
      'livestream 429 → 30 s, not counted',
      api(429, { zoomMessage: LIVESTREAM_429 }),
      { type: 'retry', at: NOW + 30_000, reason: 'livestream_rate_limited', counted: false },
    ],
    [
      'livestream 429 with Retry-After 5 s → still 30 s',
      api(429, { retryAfterMs: 5000 }),
      { type: 'retry', at: NOW + 30_000, reason: 'livestream_rate_limited', counted: false },
    ],
    [
      'livestream 429 with Retry-After 45 s → 45 s',
      api(429, { retryAfterMs: 45_000 }),
      { type: 'retry', at: NOW + 45_000, reason: 'livestream_rate_limited', counted: false },
    ],
    [
      'QPS 429 with Retry-After 2 s → 2 s',
      api(429, { rateLimitType: 'QPS', retryAfterMs: 2000 }),
      { type: 'retry', at: NOW + 2000, reason: 'account_rate_limited', counted: false },
    ],
    [
      'QPS 429 without Retry-After → 1 s',
      api(429, { rateLimitType: 'QPS' }),
      { type: 'retry', at: NOW + 1000, reason: 'account_rate_limited', counted: false },
    ],
    [
      'daily 429 with Retry-After inside the deadline → then',
      api(429, { rateLimitType: 'Daily-limit', retryAfterMs: 3600_000 }),
      { type: 'retry', at: NOW + 3600_000, reason: 'daily_rate_limited', counted: false },
    ],
    [
      '500 → backoff, counted',
      api(500),
      { type: 'retry', at: NOW + 1500, reason: 'zoom_unavailable', counted: true },
    ],
    [
      '503 with Retry-After 20 s → 20 s',
      api(503, { retryAfterMs: 20_000 }),
      { type: 'retry', at: NOW + 20_000, reason: 'zoom_unavailable', counted: true },
    ],
    [
      'timeout → backoff, counted',
      { ok: false, error: new ZoomNetworkError('livestream.status', 'TIMEOUT') },
      { type: 'retry', at: NOW + 1500, reason: 'zoom_unavailable', counted: true },
    ],
    [
      '400 webinar has not started → backoff, not counted',
      api(400, { zoomCode: 200, zoomMessage: 'Webinar 9123 has not started.' }),
      { type: 'retry', at: NOW + 1500, reason: 'meeting_not_started', counted: false },
    ],
    [
      '404/3001 → fail with reason',
      api(404, { zoomCode: 3001, zoomMessage: 'Meeting does not exist: 123.' }),
      {
        type: 'fail',
        code: 'zoom_rejected',
        reason:
          'Zoom livestream.status answered 404 code 3001: Meeting does not exist: 123. (the meeting does not exist)',
      },
    ],
    [
      '404/1001 → fail',
      api(404, { zoomCode: 1001, zoomMessage: 'User does not exist.' }),
      expect.objectContaining({ type: 'fail', code: 'zoom_rejected' }),
    ],
    [
      '400/300 → fail',
      api(400, { zoomCode: 300, zoomMessage: 'Invalid meeting id.' }),
      expect.objectContaining({ type: 'fail' }),
    ],
    ['300/300 → fail', api(300, { zoomCode: 300 }), expect.objectContaining({ type: 'fail' })],
    ['400/1010 → fail', api(400, { zoomCode: 1010 }), expect.objectContaining({ type: 'fail' })],
    [
      '400/3000 → fail',
      api(400, { zoomCode: 3000, zoomMessage: 'Cannot access webinar info.' }),
      expect.objectContaining({ type: 'fail' }),
    ],
    ['400/3161 → fail', api(400, { zoomCode: 3161 }), expect.objectContaining({ type: 'fail' })],
    [
      '400/200 plan missing → fail',
      api(400, { zoomCode: 200, zoomMessage: 'No permission: live streaming is not enabled.' }),
      expect.objectContaining({ type: 'fail' }),
    ],
    [
      '401/4711 → fail naming the scope',
      api(401, { zoomCode: 4711, zoomMessage: 'Invalid access token, does not contain scopes.' }),
      expect.objectContaining({
        type: 'fail',
        reason: expect.stringContaining('meeting:update:livestream_status:admin'),
      }),
    ],
    [
      // Another process's token may have been rejected too (an OAuth outage expires every token
      // issued before it): the next attempt gets a new one, on the backoff, until the deadline.
      '401/124 (after the client retried once) → retry on the backoff, counted',
      api(401, { zoomCode: 124 }),
      { type: 'retry', at: NOW + 1500, reason: 'oauth_rejected', counted: true },
    ],
    [
      'rejected credentials → retry on the backoff, counted (a deploy fixes them)',
      { ok: false, error: new ZoomCredentialsError(400, 'invalid_client') },
      { type: 'retry', at: NOW + 1500, reason: 'oauth_rejected', counted: true },
    ],
  ])('%s', (_label, outcome, expected) => {
    expect(run(outcome)).toEqual(expected);
  });

  it('retries 5xx with capped, jittered exponential backoff until the deadline, never failing early', () => {
    const delays: number[] = [];
    for (let n = 0; n < 12; n++) {
      const d = run(api(502), { transientFailures: n, random: 0.999 });
      if (d.type !== 'retry') throw new Error('expected a retry');
      delays.push(d.at - NOW);
    }
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(Math.max(...delays)).toBeLessThanOrEqual(policy.backoffMaxMs);
    expect(delays.at(-1)).toBeGreaterThan(policy.backoffMaxMs * 0.99); // the cap is reached
    expect(run(api(502), { transientFailures: 0, random: 0 })).toMatchObject({ at: NOW + 1000 });
    // Two minutes of trouble, or a thousand failures in a row: still a retry.
    expect(run(api(502), { transientFailures: 1000 })).toMatchObject({
      type: 'retry',
      reason: 'zoom_unavailable',
      counted: true,
    });
    const reset = { ok: false, error: new ZoomNetworkError('oauth', 'ECONNRESET') } as const;
    expect(run(reset, { transientFailures: 50 })).toMatchObject({ type: 'retry' });
    // Only the deadline ends it.
    const late = RECEIVED + policy.giveUpAfterMs - 100;
    expect(run(api(503), { transientFailures: 50, now: late })).toMatchObject({
      type: 'fail',
      code: 'deadline',
    });
  });

  it('never counts any number of livestream 429s as failures', () => {
    expect(run(api(429), { transientFailures: 99, notStartedRetries: 99 })).toMatchObject({
      type: 'retry',
      counted: false,
      at: NOW + 30_000,
    });
  });

  it('waits at least a second on account limits, even for Retry-After: 0', () => {
    expect(run(api(429, { rateLimitType: 'QPS', retryAfterMs: 0 }))).toMatchObject({
      at: NOW + 1000,
    });
    expect(run(api(429, { rateLimitType: 'Daily-limit', retryAfterMs: 0 }))).toMatchObject({
      at: NOW + 1000,
    });
  });

  it('never turns a daily limit into a 30-second loop', () => {
    // No Retry-After: the next try is at 00:00 UTC, after this meeting's deadline: give up now.
    expect(run(api(429, { rateLimitType: 'Daily-limit' }))).toMatchObject({
      type: 'fail',
      code: 'deadline',
    });
  });

  it('gives up when the next attempt would pass the deadline', () => {
    const late = RECEIVED + policy.giveUpAfterMs - 10_000;
    expect(run(api(429), { now: late })).toMatchObject({
      type: 'fail',
      code: 'deadline',
      reason: expect.stringContaining('livestream_rate_limited'),
    });
    expect(
      run(api(400, { zoomMessage: 'Meeting has not started' }), {
        now: late,
        notStartedRetries: 10,
      }),
    ).toMatchObject({ type: 'fail', code: 'deadline' });
  });
});

it('retries rejected credentials on the doubling backoff up to its cap, and fails only at the deadline', () => {
  const rejected: CallOutcome = {
    ok: false,
    error: new ZoomCredentialsError(401, 'Invalid client_id or client_secret'),
  };
  const waits = [0, 1, 2, 5, 30].map((n) => {
    const d = run(rejected, { transientFailures: n, random: 0.999 });
    return d.type === 'retry' ? d.at - NOW : d.type;
  });
  expect(waits.map((w) => Math.round(Number(w) / 100) * 100)).toEqual([
    2000, 4000, 8000, 60_000, 60_000,
  ]);
  const late = run(rejected, {
    transientFailures: 30,
    now: RECEIVED + policy.giveUpAfterMs - 1000,
  });
  expect(late).toMatchObject({ type: 'fail', code: 'deadline' });
  expect(late.type === 'fail' && late.reason).toContain('(oauth_rejected)');
});
