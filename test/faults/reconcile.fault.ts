import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../support/service';
import { createFaultWorld, startsPerMeeting, type FaultWorld } from './processes';

let world: FaultWorld;
beforeEach(async () => {
  world = await createFaultWorld(0, 'reconcile');
});
afterEach(() => world.close());

const SWEEP = {
  RECONCILE_USERS: 'all',
  RECONCILE_INTERVAL_MS: '1000',
  PREFLIGHT_LEAD_MS: '0',
  ZOOM_MAX_REQUESTS_PER_SECOND: '20', // 10 list calls a second: 60 users take about 6 s
};

it('a worker SIGKILLed mid-sweep holds up reconciliation for one lock time at most (10 s)', async () => {
  const { zoom } = world;
  for (let i = 1; i <= 60; i++) zoom.users.push({ id: `u-${i}`, email: `u${i}@example.com` });
  const lists = () => zoom.requests.filter((r) => r.path.includes('/meetings?'));
  const doomed = await world.service('worker', SWEEP);
  await eventually(() => lists().length >= 5, 30_000); // mid-sweep
  await doomed.kill('SIGKILL');
  const killedAt = Date.now();
  // The meeting goes live with no webhook; only the new worker can find it.
  zoom.declareMeeting({ id: 85050000000, hostId: 'u-60' });
  await world.service('worker', SWEEP);
  await eventually(() => zoom.started.has('85050000000'), 60_000, 100);
  // The lock's 10 s, then one sweep over 60 users at 10 calls a second, and a margin.
  expect(Date.now() - killedAt).toBeLessThan(10_000 + 6_000 + 10_000);
  expect(startsPerMeeting(world.answers).get('85050000000')).toBe(1);
});

it('two worker processes sweep once per interval between them', async () => {
  const env = { ...SWEEP, RECONCILE_USERS: 'sandbox-host' };
  await world.service('worker', env);
  await world.service('worker', env);
  const lists = () => world.zoom.requests.filter((r) => r.path.includes('/meetings?'));
  const from = lists().length;
  const began = Date.now();
  await eventually(() => lists().length - from >= 6, 30_000, 100);
  const elapsed = Date.now() - began;
  const times = lists()
    .slice(from)
    .map((r) => r.at);
  expect(times.length).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 2);
  for (let i = 1; i < times.length; i++)
    expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
});

/** Zoom behind a proxy that answers every other list call 503 (a partial outage); the rest pass. */
async function flakyListProxy(
  origin: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  let lists = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && /\/meetings\?/.test(req.url ?? '') && lists++ % 2 === 1) {
      res.writeHead(503, { 'content-type': 'application/json' });
      return void res.end('{"code":503,"message":"Service Unavailable"}');
    }
    const upstream = request(`${origin}${req.url}`, { method: req.method, headers: req.headers });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

it('during a partial outage (every other list call fails) every user is swept within two sweeps', async () => {
  const { zoom } = world;
  const users = Array.from({ length: 8 }, (_, i) => `u-${i + 1}`);
  for (const id of users) zoom.users.push({ id, email: `${id}@example.com` });
  const proxy = await flakyListProxy(zoom.origin);
  try {
    await world.service('worker', {
      ...SWEEP,
      RECONCILE_USERS: users.join(','),
      ZOOM_API_BASE_URL: `${proxy.url}/v2`,
    });
    const lists = () => zoom.requests.filter((r) => r.path.includes('/meetings?'));
    await eventually(() => lists().length >= 1, 30_000); // sweeping
    const declaredAt = Date.now();
    for (const [i, hostId] of users.entries()) zoom.declareMeeting({ id: 85070000001 + i, hostId });
    await eventually(() => zoom.started.size === users.length, 30_000, 100);
    // Two intervals, two sweeps of 8 list calls at half of 20/s (under 1 s each), and a margin;
    // before, the users a failure cut off were never swept.
    expect(Date.now() - declaredAt).toBeLessThan(2 * 1000 + 2 * 1000 + 3000);
    const starts = startsPerMeeting(world.answers);
    expect([...starts.values()]).toEqual(users.map(() => 1));
  } finally {
    await proxy.close();
  }
});
