import type { ServerResponse } from 'node:http';
import type { Answer } from './directory-types';
import type { RecordedRequest, ScriptedAnswer } from './sandbox-reply';
import type { ChaosFault, ChaosHooks, ChaosOptions, ChaosWindow } from './chaos-types';

export type { ChaosEvent, ChaosFault, ChaosHooks, ChaosOptions, ChaosWindow } from './chaos-types';

export interface SandboxChaos extends ChaosHooks {
  open(window: ChaosWindow): void;
  /** Ends every window at once (the calm before a final check). */
  calm(): void;
  active(): readonly ChaosWindow[];
}

const LIVESTREAM_429 =
  'Too many requests submitted to start the livestream of this meeting. Please retry after 30 seconds.';
const START_CALL = /^\/v2\/(?:meetings|webinars)\/(\d+)\/livestream\/status$/;

const rateLimit = (type: string, seconds: number, daily: boolean): ScriptedAnswer => ({
  status: 429,
  headers: { 'x-ratelimit-type': type, 'retry-after': String(seconds) },
  body: {
    code: 429,
    message: daily
      ? 'You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.'
      : 'You have reached the maximum per-second rate limit for this API. Try again later.',
  },
});

/**
 * Zoom on a bad day, for the soak: fault windows per account (429 storms, account and daily
 * limits, 5xx bursts, slow answers, resets, OAuth outages, answers lost after Zoom acted) and the
 * usual first 429 of each meeting instance. Random choices use the seeded `random`, so a run
 * with the same seed and the same calls makes the same faults.
 */
export function createSandboxChaos(options: ChaosOptions): SandboxChaos {
  let windows: ChaosWindow[] = [];
  const rateLimited = new Set<string>();
  const { now, random, onEvent } = options;

  const accountOf = (url: URL): string | undefined => {
    if (url.pathname === '/oauth/token')
      return options.accountOfZoomId(url.searchParams.get('account_id') ?? '');
    const id = /^\/v2\/(?:meetings|webinars)\/(\d+)\//.exec(url.pathname)?.[1];
    return id === undefined ? undefined : options.accountOfMeeting(id);
  };
  const hit = (fault: ChaosWindow['fault'], account: string | undefined) => {
    const at = now();
    windows = windows.filter((w) => w.until > at);
    return windows.find(
      (w) =>
        w.fault === fault &&
        (w.account === undefined || w.account === account) &&
        random() < (w.probability ?? 1),
    );
  };
  const isStart = (record: RecordedRequest, url: URL): string | undefined => {
    const id = START_CALL.exec(url.pathname)?.[1];
    return id !== undefined && record.method === 'PATCH' && record.body.includes('"start"')
      ? id
      : undefined;
  };

  function before(record: RecordedRequest, url: URL): ScriptedAnswer | undefined {
    if (url.pathname.startsWith('/sandbox/')) return undefined;
    const account = accountOf(url);
    const meetingId = START_CALL.exec(url.pathname)?.[1];
    const event = (fault: ChaosFault, waitMs?: number) =>
      onEvent({ fault, account, meetingId, at: now(), ...(waitMs !== undefined && { waitMs }) });
    if (url.pathname === '/oauth/token') {
      if (!hit('oauth_outage', account)) return undefined;
      event('oauth_outage');
      return { status: 503, body: { reason: 'Service Unavailable' } };
    }
    if (expiredByOutage(record, account)) {
      event('oauth_outage');
      return { status: 401, body: { code: 124, message: 'Invalid access token.' } };
    }
    if (hit('reset', account)) return (event('reset'), { reset: true });
    const failing = hit('server_error', account);
    if (failing) {
      event('server_error');
      const status = [500, 502, 503][Math.floor(random() * 3)]!;
      return { status, body: { code: status, message: 'Internal Server Error' } };
    }
    const retryAfter = (w: ChaosWindow) =>
      w.retryAfterSeconds ?? Math.max(1, Math.ceil((w.until - now()) / 1000));
    const daily = hit('daily_429', account);
    if (daily) {
      event('daily_429', retryAfter(daily) * 1000);
      return rateLimit('Daily-limit', retryAfter(daily), true);
    }
    const qps = hit('account_429', account);
    if (qps) {
      event('account_429', retryAfter(qps) * 1000);
      return rateLimit('QPS', retryAfter(qps), false);
    }
    const start = isStart(record, url);
    if (start === undefined) return undefined;
    const instance = options.instanceOf(start);
    const first = instance !== undefined && !rateLimited.has(instance);
    if (first) rateLimited.add(instance);
    const storm = !first && hit('storm_429', account);
    if (!first && !storm) return undefined;
    event(first ? 'first_429' : 'storm_429', options.livestreamWaitMs);
    return { status: 429, body: { code: 429, message: LIVESTREAM_429 } };
  }

  /** Tokens issued, and when: an outage makes the tokens issued before it expire as it begins. */
  const issued = new Map<string, number>();
  function expiredByOutage(record: RecordedRequest, account: string | undefined): boolean {
    const bearer = /^Bearer (.+)$/.exec(record.headers.authorization ?? '')?.[1];
    const at = bearer === undefined ? undefined : issued.get(bearer);
    if (at === undefined) return false;
    const outage = windows.find(
      (w) =>
        w.fault === 'oauth_outage' &&
        w.expireTokens === true &&
        w.until > now() &&
        (w.account === undefined || w.account === account),
    );
    return outage !== undefined && at < (outage.from ?? 0);
  }

  function after(
    record: RecordedRequest,
    answer: Answer,
    res: ServerResponse,
  ): ScriptedAnswer | undefined {
    const url = new URL(record.path, 'http://sandbox');
    const token = (answer.body as { access_token?: unknown } | undefined)?.access_token;
    if (url.pathname === '/oauth/token' && typeof token === 'string') issued.set(token, now());
    const start = answer.status === 204 ? isStart(record, url) : undefined;
    if (start === undefined) return undefined;
    const account = accountOf(url);
    options.onStarted?.(start, now());
    const lost = () => onEvent({ fault: 'answer_lost', account, meetingId: start, at: now() });
    // Zoom acted: if the caller never reads the answer (it timed out, it died), the answer is lost.
    res.once('close', () => {
      if (!res.writableFinished) lost();
    });
    if (hit('answer_lost', account)) return { reset: true };
    const slow = hit('slow', account);
    if (!slow) return undefined;
    onEvent({ fault: 'slow', account, meetingId: start, at: now() });
    return { ...answer, delayMs: slow.delayMs ?? 1000 };
  }

  return {
    before,
    after,
    open: (window) => void windows.push({ from: now(), ...window }),
    calm: () => void (windows = []),
    active: () => windows.filter((w) => w.until > now()),
  };
}
