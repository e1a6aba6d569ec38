import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Rule } from '../../src/policy/rules';
import { startJobId, type StartJobData } from '../../src/domain/start-job';
import type { ListClient, ListedMeeting } from '../../src/reconcile/list-client';
import { createSweep } from '../../src/reconcile/sweep';
import { ZoomApiError, ZoomNetworkError } from '../../src/zoom/errors';
import { captureLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';

let redis: Redis;
let queue: Queue<StartJobData>;
let prefix: string;
beforeEach(async () => {
  prefix = uniquePrefix();
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  queue = new Queue<StartJobData>('livestream', { connection: redis, prefix });
  await queue.waitUntilReady();
});
afterEach(async () => {
  await queue.close();
  redis.disconnect();
});

const USERS = Array.from({ length: 8 }, (_, i) => `user-${i}`);
const STREAM_ALL: Rule[] = [{ name: 'all', action: 'stream', match: {} }];
const liveOf = (user: string): ListedMeeting => ({
  id: 86300000000 + Number(user.split('-')[1]),
  uuid: `live-${user}`,
  host_id: user,
});

/** Zoom's list endpoint as the sweep sees it, answering or failing call by call. */
function fakeZoom(answer: (call: number, user: string) => Error | undefined) {
  const asked: string[] = [];
  const list: ListClient = {
    users: () => Promise.resolve([...USERS]),
    meetings: (user) => {
      const error = answer(asked.length, user);
      asked.push(user);
      return error ? Promise.reject(error) : Promise.resolve([liveOf(user)]);
    },
    livestream: () => Promise.reject(new Error('preflight is off')),
  };
  return { list, asked };
}

/** A sweep as one worker builds it: a new one stands for another worker taking over. */
const sweepWith = (list: ListClient) =>
  createSweep({
    list,
    queue,
    redis,
    users: { kind: 'all' },
    rules: () => STREAM_ALL,
    preflightLeadMs: 0,
    log: captureLog().log,
  });

const queuedUsers = async () => {
  const found: string[] = [];
  for (const user of USERS)
    if (await queue.getJob(startJobId('meeting', liveOf(user).uuid))) found.push(user);
  return found;
};

it('goes on past failed list calls, and with every other call failing, finds every live meeting within two sweeps', async () => {
  const outage = (call: number) =>
    call % 2 === 1
      ? call % 4 === 1
        ? new ZoomNetworkError('meetings', 'UND_ERR_HEADERS_TIMEOUT')
        : new ZoomApiError({
            endpoint: 'meetings',
            status: 503,
            zoomCode: undefined,
            zoomMessage: 'Service Unavailable',
            trackingId: undefined,
            retryAfterMs: undefined,
            rateLimitType: undefined,
          })
      : undefined;
  const zoom = fakeZoom(outage);

  const first = await sweepWith(zoom.list)();
  expect(first).toMatchObject({ users: 8, live: 4, queued: 4, failed: 4 });
  expect(first.stoppedBy).toBeUndefined(); // the failures did not end it
  expect(zoom.asked).toEqual(USERS); // every user asked, failed or not
  expect(await queuedUsers()).toEqual(['user-0', 'user-2', 'user-4', 'user-6']);

  // The next sweep, by another worker, begins one user further: the failures land elsewhere.
  const second = await sweepWith(zoom.list)();
  expect(zoom.asked.slice(8)).toEqual([...USERS.slice(1), 'user-0']);
  expect(second).toMatchObject({ live: 4, queued: 4, failed: 4 });
  expect(await queuedUsers()).toEqual(USERS);

  await sweepWith(zoom.list)();
  expect(zoom.asked[16]).toBe('user-2');
  expect(await redis.get(`${prefix}:livestream:reconcile-rotation`)).toBe('3');
});

it('a 429 ends the sweep, and the next one begins with the user that got it', async () => {
  const limited = new ZoomApiError({
    endpoint: 'meetings',
    status: 429,
    zoomCode: 429,
    zoomMessage: 'You have reached the maximum per-second rate limit for this API.',
    trackingId: undefined,
    retryAfterMs: 2000,
    rateLimitType: undefined,
  });
  // Rate limited at the third call of every sweep: without rotation, users 3–7 would never be swept.
  let sweepStart = 0;
  const zoom = fakeZoom((call) => (call - sweepStart === 2 ? limited : undefined));
  const sweep = sweepWith(zoom.list);
  const reports = [];
  for (let i = 0; i < 4; i++) {
    sweepStart = zoom.asked.length;
    reports.push(await sweep());
  }
  expect(reports.map((r) => [r.stoppedBy, r.queued])).toEqual(
    Array.from({ length: 4 }, () => ['rate_limited', 2]),
  );
  expect(reports[0]).toMatchObject({ backoffMs: 2000 });
  // Each sweep reached two users, then the 429; the next began with the user that got it.
  expect(zoom.asked.map((u) => u.slice(5)).join('')).toEqual('012234456670');
  expect(await queuedUsers()).toEqual(USERS);
});
