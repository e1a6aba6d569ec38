import { Redis } from 'ioredis';
import { startEmbeddedRedis } from '../../src/redis/embedded-redis';
import { eventually } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { createFaultWorld, startsPerMeeting, type FaultWorld } from './processes';

let world: FaultWorld;
afterEach(() => world.close());

async function timedPost(
  url: string,
  id: number,
  uuid: string,
): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  const res = await post(url, signed(meetingEvent('meeting.started', { id, uuid })));
  return { status: res.status, ms: performance.now() - t };
}

it('Redis killed and restarted (AOF): waiting jobs survive and complete; 503 within 1 s while down; no restarts needed', async () => {
  world = await createFaultWorld(1);
  const app = await world.service('all', { LIVESTREAM_RETRY_DELAY_MS: '4000' });
  expect((await timedPost(app.url, 1001, 'before-crash')).status).toBe(204);
  await eventually(() => world.statusCalls().length === 1); // 429: the job now waits in Redis

  world.redis.kill();
  await eventually(async () => (await fetch(`${app.url}/readyz`)).status === 503);
  const down = await timedPost(app.url, 1002, 'during-outage');
  expect(down.status).toBe(503);
  expect(down.ms).toBeLessThan(1000);

  world.redis = {
    ...(await startEmbeddedRedis({
      dataDir: world.redis.dir,
      port: world.redis.port,
      env: process.env,
    })),
    dir: world.redis.dir,
  };
  await eventually(
    async () => (await timedPost(app.url, 1002, 'during-outage')).status === 204,
    15_000,
    200,
  );
  await eventually(() => world.zoom.started.has('1001') && world.zoom.started.has('1002'), 30_000);
  expect(startsPerMeeting(world.answers)).toEqual(
    new Map([
      ['1001', 1],
      ['1002', 1],
    ]),
  );
  expect(app.child.exitCode).toBeNull(); // the same process throughout
});

it('Redis sockets dropped (CLIENT KILL): everything reconnects, no duplicate start', async () => {
  world = await createFaultWorld(1);
  const app = await world.service('all', { LIVESTREAM_RETRY_DELAY_MS: '3000' });
  for (const id of [2001, 2002, 2003])
    expect((await timedPost(app.url, id, `ck-${id}`)).status).toBe(204);
  await eventually(() => world.statusCalls().length === 3);
  const admin = new Redis(world.redis.url);
  const killed = await admin.call('CLIENT', 'KILL', 'TYPE', 'normal');
  admin.disconnect();
  expect(Number(killed)).toBeGreaterThan(0);
  await eventually(
    async () => (await timedPost(app.url, 2004, 'ck-2004')).status === 204,
    10_000,
    100,
  );
  await eventually(
    () => [2001, 2002, 2003, 2004].every((id) => world.zoom.started.has(String(id))),
    30_000,
  );
  for (const [, starts] of startsPerMeeting(world.answers)) expect(starts).toBe(1);
});
