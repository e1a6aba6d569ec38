import { startArrivalsServer, maxInWindow, type ArrivalsServer } from '../support/arrivals-server';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed, ZOOM_ACCOUNT_ID } from '../support/webhook';

let zoom: ArrivalsServer;
let service: TestService | undefined;
let loaded = false;
afterEach(async () => {
  loaded = false;
  await service?.stop();
  zoom.close();
});

/** Keeps this process's event loop saturated, as a worker is under heavy load: blocked for 20–150 ms at a time. */
function saturate(): void {
  if (!loaded) return;
  const until = Date.now() + 20 + Math.random() * 130;
  while (Date.now() < until) {
    // busy: timers, sockets and Redis replies all wait
  }
  setTimeout(saturate, Math.random() * 10);
}

const LIMIT = 20;
const MEETINGS = 100;

it(`holds ${LIMIT} calls per second as counted where they arrive, while the worker's event loop is saturated`, async () => {
  zoom = await startArrivalsServer();
  service = await startTestService({
    ROLE: 'all',
    ZOOM_ACCOUNT_ID,
    ZOOM_CLIENT_ID: 'cid',
    ZOOM_CLIENT_SECRET: 'secret',
    ZOOM_API_BASE_URL: `${zoom.origin}/v2`,
    ZOOM_OAUTH_TOKEN_URL: `${zoom.origin}/oauth/token`,
    ZOOM_MAX_REQUESTS_PER_SECOND: String(LIMIT),
    WORKER_CONCURRENCY: '50',
    ZOOM_HTTP_TIMEOUT_MS: '5000',
    WORKER_LOCK_DURATION_MS: '60000',
  });
  for (let i = 0; i < MEETINGS; i++) {
    const event = meetingEvent('meeting.started', { id: 1000 + i, uuid: `paced-${i}` });
    expect((await post(service.url, signed(event))).status).toBe(204);
  }
  loaded = true;
  saturate();
  const arrivals = await eventually(async () => {
    const got = await zoom.arrivals();
    return got.length >= MEETINGS ? got : undefined;
  }, 60_000);
  loaded = false;
  expect(arrivals).toHaveLength(MEETINGS); // each started once
  // Before slots expired, 22–25 calls arrived within one second here.
  expect(maxInWindow(arrivals, 1000)).toBeLessThanOrEqual(LIMIT);
}, 90_000); // the arrivals may take up to 60 s on a loaded machine (the wait above), plus set-up
