import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { accountsEnv, makeAccounts, type SoakAccount } from './accounts';
import { startAlertSink } from './alert-sink';
import { startFleet, type Fleet } from './fleet';
import type { Ledger } from './ledger';
import type { SoakOptions } from './options';
import { startSoakProxy, type SoakProxy } from './proxy';
import type { Random } from './random';
import { serviceEnv } from './service-env';
import { startSoakCluster } from './topology-cluster';
import { startSoakSentinel, type SoakRedis } from './topology';
import { startSoakZoom, type SoakZoom } from './zoom';

/** Everything the soak runs on this machine, and how to take it all down. */
export interface Deployment {
  accounts: SoakAccount[];
  redis: SoakRedis;
  redisClient: Redis;
  zoom: SoakZoom;
  proxy: SoakProxy;
  fleet: Fleet;
  close(): Promise<void>;
}

/**
 * Starts Redis (Sentinel or Cluster), the sandbox Zoom in chaos mode, the alert endpoint, the load
 * balancer, and the receivers and workers as real processes of the built CLI. On failure, what
 * was started is stopped again.
 */
export async function deploy(
  options: SoakOptions,
  dir: string,
  ledger: Ledger,
  random: Random,
): Promise<Deployment> {
  const accounts = makeAccounts(options.accounts, random.fork('accounts'));
  const redis =
    options.redis === 'cluster'
      ? await startSoakCluster()
      : await startSoakSentinel(join(dir, 'redis'));
  const cleanup: (() => Promise<unknown>)[] = [() => redis.stop()];
  const close = async () => {
    for (const c of cleanup.splice(0)) await c().catch(() => undefined);
  };
  try {
    const zoom = await startSoakZoom(accounts, ledger, options.timeScale, random.fork('zoom'));
    cleanup.unshift(() => zoom.sandbox.close());
    const sink = await startAlertSink(ledger);
    cleanup.unshift(() => sink.close());
    const proxy = await startSoakProxy();
    cleanup.unshift(() => proxy.close());
    const env = {
      ...serviceEnv(options),
      ...redis.env,
      ...accountsEnv(accounts, dir),
      ZOOM_API_BASE_URL: zoom.sandbox.apiBaseUrl,
      ZOOM_OAUTH_TOKEN_URL: zoom.sandbox.oauthTokenUrl,
      ALERT_WEBHOOK_URL: sink.url,
    };
    const fleet = await startFleet(options, env, join(dir, 'logs'));
    cleanup.unshift(() => fleet.stop());
    fleet.onReceivers((urls) => proxy.setUpstreams(urls));
    proxy.setUpstreams(fleet.receivers().map((r) => r.url));
    const redisClient = redis.client();
    redisClient.on('error', () => undefined);
    cleanup.unshift(() => Promise.resolve(redisClient.disconnect()));
    return { accounts, redis, redisClient, zoom, proxy, fleet, close };
  } catch (err) {
    await close();
    throw err;
  }
}
