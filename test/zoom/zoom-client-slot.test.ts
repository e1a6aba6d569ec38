import { createZoomDispatcher } from '../../src/zoom/http';
import { fetchAccessToken } from '../../src/zoom/oauth';
import type { Grant, Pacer } from '../../src/zoom/pacer';
import { createZoomClient } from '../../src/zoom/zoom-client';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';

let zoom: ZoomSandbox;
const dispatcher = createZoomDispatcher(2000);
beforeEach(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
});
afterEach(() => zoom.close());
afterAll(() => dispatcher.close());

async function clientWith(fresh: boolean) {
  const token = await fetchAccessToken(dispatcher, {
    tokenUrl: zoom.oauthTokenUrl,
    ...zoom.credentials,
    timeoutMs: 2000,
  });
  let acquired = 0;
  const pacer: Pacer = {
    acquire: async () => {
      acquired++;
      return { fresh: () => true };
    },
    pause: async () => undefined,
  };
  const client = createZoomClient({
    baseUrl: zoom.apiBaseUrl,
    dispatcher,
    timeoutMs: 2000,
    pacer,
    tokens: {
      get: async () => token.accessToken,
      invalidate: async () => undefined,
      verify: async () => 'accepted' as const,
      credentials: () => 'accepted' as const,
    },
  });
  const slot: Promise<Grant> = Promise.resolve({ fresh: () => fresh });
  await client.startLivestream('meeting', '85012345678', {}, { slot });
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
