import { createZoomDispatcher } from '../../src/zoom/http';
import type { Grant, Pacer } from '../../src/zoom/pacer';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { pacedSandboxClient } from '../support/paced-client';

let zoom: ZoomSandbox;
const dispatcher = createZoomDispatcher(2000);
beforeEach(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
});
afterEach(() => zoom.close());
afterAll(() => dispatcher.close());

async function clientWith(fresh: boolean | (() => boolean), beforeSend?: () => Promise<void>) {
  let acquired = 0;
  const pacer: Pacer = {
    acquire: async () => {
      acquired++;
      return { fresh: () => true };
    },
    pause: async () => undefined,
  };
  const client = await pacedSandboxClient(zoom, dispatcher, pacer);
  const slot: Promise<Grant> = Promise.resolve({
    fresh: typeof fresh === 'function' ? fresh : () => fresh,
  });
  await client.startLivestream(
    'meeting',
    '85012345678',
    {},
    { slot, ...(beforeSend && { beforeSend }) },
  );
  return acquired;
}

it('uses the slot reserved ahead while it is fresh', async () => {
  expect(await clientWith(true)).toBe(0);
  expect(zoom.started.has('85012345678')).toBe(true);
});

it('takes a new slot when the reserved one went stale (say, during a token refresh)', async () => {
  expect(await clientWith(false)).toBe(1);
  expect(zoom.started.has('85012345678')).toBe(true);
});

it('sends nothing when the last check before the call throws (the meeting ended during the wait)', async () => {
  const ended = new Error('meeting ended');
  await expect(clientWith(true, () => Promise.reject(ended))).rejects.toBe(ended);
  expect(zoom.livestreamCalls()).toEqual([]);
});

it('takes a new slot, and checks again, when the last check made the slot stale', async () => {
  let checks = 0;
  let slowCheck = true;
  // Fresh until the first (slow) check has run; the new slot's check is quick.
  const acquired = await clientWith(
    () => !(checks > 0 && slowCheck),
    async () => {
      checks++;
      if (checks > 1) slowCheck = false;
    },
  );
  expect([acquired, checks]).toEqual([1, 2]);
  expect(zoom.livestreamCalls()).toHaveLength(1);
});
