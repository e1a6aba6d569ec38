import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { EmbeddedRedisState } from '../../src/redis/redis-supervisor';
import { createApp } from '../../src/service/create-app';
import { createLogger } from '../../src/logging/create-logger';

let server: Server;
let state: EmbeddedRedisState;
beforeAll(async () => {
  const app = createApp({
    log: createLogger('silent'),
    ready: () => Promise.resolve({ ready: true, problems: [], redis: true }),
    embeddedRedis: () => state,
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
});
afterAll(() => new Promise((r) => server.close(r)));

async function healthz(): Promise<{ status: number; body: unknown }> {
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: await res.json() };
}

it('/healthz: alive while the embedded Redis runs or is being restarted; failing once it gave up', async () => {
  state = { status: 'running', pid: 42 };
  expect(await healthz()).toEqual({
    status: 200,
    body: { status: 'ok', embeddedRedis: { status: 'running' } },
  });
  const words = 'embedded Redis exited (code none, signal SIGKILL); restarting (attempt 1 of 5)';
  state = { status: 'restarting', words };
  expect(await healthz()).toEqual({
    status: 200,
    body: { status: 'ok', embeddedRedis: { status: 'restarting', problem: words } },
  });
  state = { status: 'failed', words: 'embedded Redis exited …; giving up' };
  expect(await healthz()).toEqual({
    status: 503,
    body: {
      status: 'failing',
      embeddedRedis: { status: 'failed', problem: 'embedded Redis exited …; giving up' },
    },
  });
});
