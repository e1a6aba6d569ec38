import { accountStarts } from '../../bench/account-starts';
import { startAccountsService, type AccountsService } from '../support/accounts-service';
import { startArrivalsServer, maxInWindow, type ArrivalsServer } from '../support/arrivals-server';
import { eventually } from '../support/service';

// The service's own worker role, serving two accounts from an accounts file (each its own app
// and limit, WORKER_CONCURRENCY 4, the shipped ZOOM_PACER_INLINE_WAIT_MS and
// WORKER_SLOTS_PER_ACCOUNT): A has a backlog of due starts at its limit and its Zoom answers an
// account-level 429 to every fifth start; B's new meeting is called at once, long before A's
// backlog drains. Calls are counted where they arrive, per account (a Zoom stand-in in a
// process of its own).

const LIMIT = 10;
const BACKLOG = 60;
const A = { accountId: 'zoom-a', clientId: 'a-app', clientSecret: 'a-secret', throttleEvery: 5 };
const B = { accountId: 'zoom-b', clientId: 'b-app', clientSecret: 'b-secret' };

let zoom: ArrivalsServer | undefined;
let service: AccountsService | undefined;
afterEach(async () => {
  await service?.stop();
  zoom?.close();
});

const entry = (name: string, app: typeof B) => ({
  name,
  zoom_account_id: app.accountId,
  client_id: app.clientId,
  client_secret: `\${${name.toUpperCase()}_CLIENT_SECRET}`,
  max_requests_per_second: LIMIT,
});

it("calls B's new meeting at once while A's backlog drains at A's own limit through a 429 storm", async () => {
  zoom = await startArrivalsServer([A, B]);
  service = await startAccountsService([entry('a', A), entry('b', B)], {
    ROLE: 'worker',
    A_CLIENT_SECRET: A.clientSecret,
    B_CLIENT_SECRET: B.clientSecret,
    ZOOM_API_BASE_URL: `${zoom.origin}/v2`,
    ZOOM_OAUTH_TOKEN_URL: `${zoom.origin}/oauth/token`,
    WORKER_CONCURRENCY: '4',
    ZOOM_HTTP_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'warn',
  });
  const arrivals = (app: { accountId: string }) => zoom!.arrivals(app.accountId);
  await (await service.queues.forAccount('a')).addBulk(accountStarts('a', BACKLOG, 1000, 'fair'));
  // A's backlog is under way: its calls arrive, and the rest wait for their slots.
  await eventually(async () => ((await arrivals(A)).length >= 10 ? true : undefined), 30_000);
  const queuedB = performance.timeOrigin + performance.now();
  await (await service.queues.forAccount('b')).addBulk(accountStarts('b', 1, 2000, 'fair'));
  const [arrivedB] = await eventually(async () => {
    const got = await arrivals(B);
    return got.length > 0 ? got : undefined;
  }, 30_000);
  const aBeforeB = (await arrivals(A)).filter((at) => at < arrivedB!).length;
  expect(aBeforeB).toBeLessThan(BACKLOG / 2); // A's backlog is far from drained
  expect(arrivedB! - queuedB).toBeLessThan(1000); // B waited for nobody's pace
  // One shard (QUEUE_SHARDS unset): A's queue is B's too, so B's start is counted with A's.
  const queue = await service.queues.forAccount('a');
  await eventually(
    async () =>
      (await queue.getJobCounts('completed')).completed === BACKLOG + 1 ? true : undefined,
    90_000,
  );
  const arrivalsA = await arrivals(A);
  expect(arrivalsA.length).toBeGreaterThanOrEqual(BACKLOG + BACKLOG / 5 - 1); // the 429s were retried
  expect(maxInWindow(arrivalsA, 1000)).toBeLessThanOrEqual(LIMIT);
}, 120_000);
