import type { Dispatcher } from 'undici';
import type { Account } from '../accounts/account-types';
import type { Config } from '../config/load-config';
import { DEFAULT_ACCOUNT } from '../domain/account';
import type { Logger } from '../logging/create-logger';
import type { RedisConnection } from '../redis/connect';
import type { Tracing } from '../telemetry/tracing';
import { fetchAccessToken } from '../zoom/oauth';
import { createPacer, type Pacer } from '../zoom/pacer';
import { createTokenProvider, type TokenProvider } from '../zoom/token-provider';

/** What the sweep needs of an account's Zoom side: its token, and its pacing (for list calls). */
export interface AccountZoom {
  tokens: TokenProvider;
  /**
   * The account's pacer over the same Redis keys as its starts, built with
   * `maxInlineWaitMs: 0` (see `createSweepSlots`).
   */
  sweepPacer: Pacer;
}

/** An account's Zoom side, as the worker builds it for that account's starts. */
export type AccountZoomSource = (account: Account) => AccountZoom;

export interface AccountZoomOptions {
  config: Pick<Config, 'zoom' | 'redis'>;
  redis: RedisConnection;
  dispatcher: Dispatcher;
  /** The default account's token provider: the one the worker's starts use. */
  defaultTokens: TokenProvider;
  log: Logger;
  onFetch?: (outcome: 'ok' | 'rejected' | 'error') => void;
  tracing?: Tracing;
}

/**
 * Each account's token provider and sweep pacer. The default account shares the worker's token
 * and the pacing keys of the release before accounts (`<prefix>:zoom:slot`); another account has
 * its own token (shared in Redis under a hash of its name and credentials) and its own pacing keys
 * (`<prefix>:zoom:<name>:…`) at its own `max_requests_per_second`. A new object per call: the
 * caller keeps it for as long as the account's settings stay the same.
 */
export function createAccountZoomSource(options: AccountZoomOptions): AccountZoomSource {
  const { config, redis } = options;
  return (account) => {
    const own = account.name !== DEFAULT_ACCOUNT;
    const keyPrefix = own
      ? `${config.redis.queuePrefix}:zoom:${account.name}`
      : config.redis.queuePrefix;
    const sweepPacer = createPacer({
      redis,
      keyPrefix,
      maxPerSecond: account.zoom.maxRequestsPerSecond,
      maxInlineWaitMs: 0,
    });
    if (!own) return { tokens: options.defaultTokens, sweepPacer };
    const { accountId, clientId, clientSecret } = account.zoom;
    const tokens = createTokenProvider({
      redis,
      keyPrefix: config.redis.queuePrefix,
      appId: [account.name, accountId, clientId, clientSecret].join('\0'),
      fetchToken: () =>
        fetchAccessToken(options.dispatcher, {
          tokenUrl: config.zoom.oauthTokenUrl,
          accountId,
          clientId,
          clientSecret,
          timeoutMs: config.zoom.httpTimeoutMs,
          ...(options.tracing && { tracing: options.tracing }),
        }),
      log: options.log.child({ component: 'oauth', account: account.name }),
      ...(options.onFetch && { onFetch: options.onFetch }),
      lockTtlMs: config.zoom.httpTimeoutMs + 2000,
    });
    return { tokens, sweepPacer };
  };
}
