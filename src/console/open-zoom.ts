import type { Account } from '../accounts/account-types';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { RedisConnection } from '../redis/connect';
import type { Tracing } from '../telemetry/tracing';
import { createZoomStack } from '../zoom/zoom-stack';

/** The Zoom side for one operator call (shared token and pacer in Redis), as the CLI's `stop` builds it. */
export function openZoom(
  config: Config,
  redis: RedisConnection,
  log: Logger,
  /** The service's, so a stop from the console is traced like any Zoom call; default: none. */
  tracing?: Tracing,
) {
  const stack = createZoomStack(config, redis, log, {}, tracing);
  return { zoom: stack.zoom, close: () => stack.dispatcher.destroy() };
}

/** The configuration with an account's Zoom app in place of the `ZOOM_*` variables. */
export function withAccount(config: Config, account: Account | undefined): Config {
  if (!account) return config;
  return {
    ...config,
    zoom: {
      ...config.zoom,
      accountId: account.zoom.accountId,
      clientId: account.zoom.clientId,
      clientSecret: account.zoom.clientSecret,
      maxRequestsPerSecond: account.zoom.maxRequestsPerSecond,
    },
  };
}
