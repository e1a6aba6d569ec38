import type { Account } from '../accounts/account-types';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import { shardPrefix, type ShardMap } from '../queue/shards';
import type { RedisConnection } from '../redis/connect';
import type { Tracing } from '../telemetry/tracing';
import { PacerBusyError, type Grant, type Pacer } from '../zoom/pacer';
import { createZoomStack } from '../zoom/zoom-stack';
import type { SlotReservation } from '../domain/start-progress';
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
  const zoom: ZoomClient = {
    ...stack.zoom,
    // An operator's stop waits its turn behind the account's starts (their slots may be reserved
    // seconds ahead) instead of being refused as paced.
    stopLivestream: (kind, meetingId, options) =>
      stack.zoom.stopLivestream(kind, meetingId, { ...options, slot: awaitSlot(stack.pacer) }),
  };
  return { zoom, close: () => stack.dispatcher.destroy() };
}

/** The longest an operator's call waits for its pacing slot before it is refused as paced. */
export const OPERATOR_SLOT_WAIT_MS = 30_000;

/**
 * The account's next pacing slot, reserved however far ahead it is and waited for here (up to
 * {@link OPERATOR_SLOT_WAIT_MS}); an account pause in between takes a new one.
 */
export async function awaitSlot(pacer: Pacer, maxWaitMs = OPERATOR_SLOT_WAIT_MS): Promise<Grant> {
  const until = Date.now() + maxWaitMs;
  let reserved: SlotReservation | undefined;
  for (;;) {
    try {
      return await pacer.acquire({ reserveAhead: true, ...(reserved && { reserved }) });
    } catch (err) {
      if (!(err instanceof PacerBusyError) || Date.now() + err.returnInMs > until) throw err;
      reserved = err.reservation;
      await new Promise((r) => setTimeout(r, err.returnInMs));
    }
  }
}
