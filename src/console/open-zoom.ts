import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { RedisConnection } from '../redis/connect';
import { createZoomStack } from '../zoom/zoom-stack';

/** The Zoom side for one operator call (shared token and pacer in Redis), as the CLI's `stop` builds it. */
export function openZoom(config: Config, redis: RedisConnection, log: Logger) {
  const stack = createZoomStack(config, redis, log);
  return { zoom: stack.zoom, close: () => stack.dispatcher.destroy() };
}
