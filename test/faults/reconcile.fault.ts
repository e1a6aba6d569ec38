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
