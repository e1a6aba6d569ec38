import type { Dispatcher } from 'undici';
import type { ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { fetchAccessToken } from '../../src/zoom/oauth';
import type { Pacer } from '../../src/zoom/pacer';
import { createZoomClient, type ZoomClient } from '../../src/zoom/zoom-client';

/**
 * A Zoom client for the sandbox with the pacer a test gives it: one token fetched from the
 * sandbox, always accepted, so what the test watches is the pacing alone.
 */
export async function pacedSandboxClient(
  zoom: ZoomSandbox,
  dispatcher: Dispatcher,
  pacer: Pacer,
): Promise<ZoomClient> {
  const token = await fetchAccessToken(dispatcher, {
    tokenUrl: zoom.oauthTokenUrl,
    ...zoom.credentials,
    timeoutMs: 2000,
  });
  return createZoomClient({
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
}
