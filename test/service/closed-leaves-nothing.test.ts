import { loadConfig } from '../../src/config/load-config';
import { runService } from '../../src/service/run-service';
import { startZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { captureLog } from '../support/log-capture';
import { startPrivateRedis, uniquePrefix } from '../support/redis';
import { eventually } from '../support/service';
import { SECRET } from '../support/webhook';

/** What keeps a process alive: sockets, servers and timers (jest's own are there before too). */
function handles(): Record<string, number> {
  const counts: Record<string, number> = { TCPSocketWrap: 0, TCPServerWrap: 0, Timeout: 0 };
  for (const kind of process.getActiveResourcesInfo())
    if (kind in counts) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Runs the whole service against a Redis of its own, goes through `outage`, closes it. */
async function closedAfter(outage: (redis: PrivateRedis) => Promise<PrivateRedis>) {
  let redis = await startPrivateRedis();
  const zoom = await startZoomSandbox();
  try {
    const env = {
      REDIS_URL: redis.url,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: 'all',
      ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
      ZOOM_ACCOUNT_ID: zoom.credentials.accountId,
      ZOOM_CLIENT_ID: zoom.credentials.clientId,
      ZOOM_CLIENT_SECRET: zoom.credentials.clientSecret,
      ZOOM_API_BASE_URL: zoom.apiBaseUrl,
      ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
      ALERT_WEBHOOK_URL: `${zoom.apiBaseUrl}/alerts`,
      RECONCILE_USERS: 'sandbox-host',
      SHUTDOWN_TIMEOUT_MS: '1000',
      QUEUE_PREFIX: uniquePrefix(),
    };
    const before = handles();
    const service = await runService(loadConfig(env), captureLog('debug').log, env);
    redis = await outage(redis);
    await service.close();
    await redis.stop(); // a part still reconnecting would now retry forever
    // ioredis gives a closing socket 2 s before destroying it, and BullMQ's blocking read has its
    // own watchdog: both end by themselves. A loop (lock renewal, stall checks, reconnects) never
    // does, and this wait then runs out.
    await eventually(() => {
      const now = handles();
      return Object.keys(before).every((kind) => now[kind]! <= before[kind]!);
    }, 10_000);
  } finally {
    await zoom.close();
  }
}

type PrivateRedis = Awaited<ReturnType<typeof startPrivateRedis>>;

it('a service closed while Redis is down (cut off) leaves no socket, timer or reconnect loop behind', async () => {
  // Whether the close is cut off or not depends on where each part was when Redis went away.
  await closedAfter(async (redis) => {
    await redis.stop();
    return redis;
  });
});

it('a service closed after Redis went down and came back leaves nothing behind either', async () => {
  await closedAfter(async (redis) => {
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1500)); // the workers meet the outage
    return startPrivateRedis([], redis.port);
  });
});
