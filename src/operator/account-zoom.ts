import type { Account } from '../accounts/account-types';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { shardPrefix, type ShardMap } from '../queue/shards';
import type { RedisConnection } from '../redis/connect';
import type { Tracing } from '../telemetry/tracing';
import { createZoomStack } from '../zoom/zoom-stack';
import type { ZoomClient } from '../zoom/zoom-client';

/**
 * An account's Zoom side for one operator call (`stop` from the CLI or the console): its
 * credentials, and the token and pacing slots its starts use (the same Redis keys), so an
 * operator's call counts against the account's rate limit like any other. Close it after the call.
 */
export async function openAccountZoom(
  config: Config,
  account: Account,
  redis: RedisConnection,
  shardMap: Pick<ShardMap, 'shardOf'>,
  log: Logger,
  tracing?: Tracing,
): Promise<{ zoom: ZoomClient; close: () => Promise<void> }> {
  const prefix = shardPrefix(config.redis.queuePrefix, await shardMap.shardOf(account.name));
  const stack = createZoomStack(
    config,
    redis,
    log,
    {},
    tracing,
    { name: account.name, ...account.zoom },
    prefix,
  );
  return { zoom: stack.zoom, close: () => stack.dispatcher.destroy() };
}
