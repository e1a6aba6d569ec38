import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { ZoomCredentialsError } from '../../src/zoom/errors';
import { createZoomStack, type ZoomStack } from '../../src/zoom/zoom-stack';
import { captureLog } from '../support/log-capture';
import { redisUrl, uniquePrefix } from '../support/redis';

let zoom: ZoomSandbox;
let redis: Redis;
const stacks: ZoomStack[] = [];
beforeEach(async () => {
  zoom = await startZoomSandbox({ rateLimitedStarts: 0 });
  redis = new Redis(redisUrl());
});
afterEach(async () => {
  for (const s of stacks.splice(0)) await s.dispatcher.destroy();
  redis.disconnect();
  await zoom.close();
});

/** The Zoom side of one worker process, as the service builds it from its configuration. */
function worker(prefix: string, secret: string): ZoomStack {
  const config = loadConfig(
    {
      ZOOM_WEBHOOK_SECRET_TOKEN: 'whsec',
      REDIS_URL: redisUrl(),
      QUEUE_PREFIX: prefix,
      ZOOM_ACCOUNT_ID: zoom.credentials.accountId,
      ZOOM_CLIENT_ID: zoom.credentials.clientId,
      ZOOM_CLIENT_SECRET: secret,
      ZOOM_API_BASE_URL: zoom.apiBaseUrl,
      ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    },
    'worker',
  );
  const stack = createZoomStack(config, redis, captureLog().log);
  stacks.push(stack);
  return stack;
}

const oauthCalls = () => zoom.requests.filter((r) => r.path.startsWith('/oauth/token'));

it('a worker whose client secret changed never uses the token cached in Redis for the old secret', async () => {
  const prefix = uniquePrefix();
  const right = zoom.credentials.clientSecret;
  const token = await worker(prefix, right).tokens.get();
  expect(oauthCalls()).toHaveLength(1);
  // A second process with the same credentials reads the shared token: no second OAuth call.
  expect(await worker(prefix, right).tokens.get()).toBe(token);
  expect(oauthCalls()).toHaveLength(1);

  // The same account and client with another secret asks Zoom itself, which refuses it.
  const changed = worker(prefix, 'a-changed-secret-0000');
  await expect(changed.tokens.get()).rejects.toBeInstanceOf(ZoomCredentialsError);
  expect(oauthCalls()).toHaveLength(2);
  expect(changed.tokens.credentials()).toBe('rejected');
});
