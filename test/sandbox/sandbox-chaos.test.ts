import {
  createSandboxChaos,
  type ChaosEvent,
  type SandboxChaos,
} from '../../src/sandbox/sandbox-chaos';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';

// Meetings 1xx belong to account "a", 2xx to "b"; the sandbox's one Zoom account is "a".
let zoom: ZoomSandbox;
let chaos: SandboxChaos;
let events: ChaosEvent[];
let started: string[];
let now: number;
const instances = new Map<string, string>();

beforeEach(async () => {
  now = Date.now();
  events = [];
  started = [];
  instances.clear();
  chaos = createSandboxChaos({
    now: () => now,
    random: () => 0.5,
    accountOfMeeting: (id) => (id.startsWith('1') ? 'a' : 'b'),
    accountOfZoomId: (zoomId) => (zoomId === 'sandbox-account' ? 'a' : undefined),
    instanceOf: (id) => instances.get(id),
    livestreamWaitMs: 500,
    onEvent: (e) => events.push(e),
    onStarted: (id) => started.push(id),
  });
  zoom = await startZoomSandbox({ rateLimitedStarts: 0, chaos });
});
afterEach(() => zoom.close());

const oauth = () =>
  fetch(`${zoom.oauthTokenUrl}?grant_type=account_credentials&account_id=sandbox-account`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
    },
  });
const token = async () => ((await (await oauth()).json()) as { access_token: string }).access_token;

async function start(id: string, bearer: string) {
  const res = await fetch(`${zoom.apiBaseUrl}/meetings/${id}/livestream/status`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'start', settings: { display_name: 'x' } }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text };
}

it('gives the usual 429 once per meeting instance: a recurring meeting id with a new instance gets it again', async () => {
  const bearer = await token();
  instances.set('101', 'first');
  expect((await start('101', bearer)).status).toBe(429);
  expect((await start('101', bearer)).status).toBe(204);
  instances.set('101', 'second');
  const again = await start('101', bearer);
  expect(again).toMatchObject({
    status: 429,
    body: expect.stringContaining('retry after 30 seconds'),
  });
  expect(events.filter((e) => e.fault === 'first_429')).toEqual([
    expect.objectContaining({ meetingId: '101', account: 'a', waitMs: 500 }),
    expect.objectContaining({ meetingId: '101', account: 'a', waitMs: 500 }),
  ]);
  expect(started).toEqual(['101']);
});

it("storms one account's starts with 429s while another account's start goes through, until the window ends", async () => {
  const bearer = await token();
  chaos.open({ fault: 'storm_429', account: 'a', until: now + 1000 });
  expect((await start('101', bearer)).status).toBe(429);
  expect((await start('201', bearer)).status).toBe(204);
  now += 1001;
  expect((await start('101', bearer)).status).toBe(204);
  expect(events.map((e) => `${e.fault}:${e.account}`)).toEqual(['storm_429:a']);
});

it("answers an account's rate limits as Zoom does: QPS with Retry-After, a daily limit until its window ends, and says how long each imposes", async () => {
  const bearer = await token();
  chaos.open({ fault: 'account_429', account: 'b', until: now + 1000, retryAfterSeconds: 2 });
  const qps = await start('201', bearer);
  expect(qps.status).toBe(429);
  expect(qps.headers.get('x-ratelimit-type')).toBe('QPS');
  expect(qps.headers.get('retry-after')).toBe('2');
  chaos.calm();
  chaos.open({ fault: 'daily_429', account: 'b', until: now + 2500 });
  const daily = await start('202', bearer);
  expect(daily.headers.get('x-ratelimit-type')).toBe('Daily-limit');
  expect(daily.headers.get('retry-after')).toBe('3');
  expect(events.map((e) => [e.fault, e.waitMs])).toEqual([
    ['account_429', 2000],
    ['daily_429', 3000],
  ]);
});

it('loses the answer after Zoom acted: the stream is started, the caller sees the connection reset', async () => {
  const bearer = await token();
  chaos.open({ fault: 'answer_lost', until: now + 1000 });
  await expect(start('102', bearer)).rejects.toThrow();
  expect(zoom.started.has('102')).toBe(true);
  expect(started).toEqual(['102']);
  await new Promise((r) => setTimeout(r, 50));
  expect(events).toEqual([expect.objectContaining({ fault: 'answer_lost', meetingId: '102' })]);
});

it("fails one account's token calls during an OAuth outage and expires its tokens issued before; 5xx bursts and resets before Zoom acts", async () => {
  const before = await token();
  now += 1;
  chaos.open({ fault: 'oauth_outage', account: 'a', until: now + 1000 });
  expect((await oauth()).status).toBe(503);
  expect(await start('107', before)).toMatchObject({ status: 204 });
  chaos.calm();
  chaos.open({ fault: 'oauth_outage', account: 'a', until: now + 1000, expireTokens: true });
  expect((await oauth()).status).toBe(503);
  expect(await start('106', before)).toMatchObject({
    status: 401,
    body: expect.stringContaining('"code":124'),
  });
  expect(zoom.started.has('106')).toBe(false);
  chaos.calm();
  const bearer = await token();
  chaos.open({ fault: 'server_error', until: now + 1000 });
  expect([500, 502, 503]).toContain((await start('103', bearer)).status);
  chaos.calm();
  chaos.open({ fault: 'reset', until: now + 1000 });
  await expect(start('104', bearer)).rejects.toThrow();
  expect(zoom.started.has('103') || zoom.started.has('104')).toBe(false);
  expect(events.map((e) => e.fault)).toEqual([
    'oauth_outage',
    'oauth_outage',
    'oauth_outage',
    'server_error',
    'reset',
  ]);
});

it('holds a slow answer after Zoom acted, and the answer still arrives', async () => {
  const bearer = await token();
  chaos.open({ fault: 'slow', until: now + 1000, delayMs: 300 });
  const t = Date.now();
  expect((await start('105', bearer)).status).toBe(204);
  expect(Date.now() - t).toBeGreaterThanOrEqual(290);
  expect(events.map((e) => e.fault)).toEqual(['slow']);
});
