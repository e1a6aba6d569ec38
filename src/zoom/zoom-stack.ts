import type { RedisConnection } from '../redis/connect';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { Tracing } from '../telemetry/tracing';
import { createZoomDispatcher } from './http';
import { fetchAccessToken, type FetchedToken } from './oauth';
import { createPacer, type Pacer } from './pacer';
import { createTokenProvider, type TokenProvider } from './token-provider';
import { createZoomClient, type ZoomClient } from './zoom-client';

export interface ZoomStack {
  dispatcher: Dispatcher & { destroy(): Promise<void> };
  /** One OAuth request with the configured credentials (no sharing, no caching). */
  fetchToken: () => Promise<FetchedToken>;
  tokens: TokenProvider;
  pacer: Pacer;
  zoom: ZoomClient;
}

/** One OAuth request with the configured credentials (what the token provider calls). */
export function tokenFetcher(
  config: Config,
  dispatcher: Dispatcher,
  tracing?: Tracing,
): () => Promise<FetchedToken> {
  return () =>
    fetchAccessToken(dispatcher, {
      tokenUrl: config.zoom.oauthTokenUrl,
      accountId: config.zoom.accountId,
      clientId: config.zoom.clientId,
      clientSecret: config.zoom.clientSecret,
      timeoutMs: config.zoom.httpTimeoutMs,
      ...(tracing && { tracing }),
    });
}

/**
 * The Zoom side as the worker builds it: one dispatcher, the shared token in Redis, the
 * account-wide pacer and the client. The service, `stop` and `doctor` all use this.
 */
export function createZoomStack(
  config: Config,
  redis: RedisConnection,
  log: Logger,
  hooks: {
    onFetch?: (outcome: 'ok' | 'rejected' | 'error') => void;
    onAnswer?: (endpoint: string, status: number | 'error') => void;
  } = {},
  /** Every Zoom call (OAuth and API) is a client span of this; default: none. */
  tracing?: Tracing,
): ZoomStack {
  const dispatcher = createZoomDispatcher(config.zoom.httpTimeoutMs);
  const fetchToken = tokenFetcher(config, dispatcher, tracing);
  const tokens = createTokenProvider({
    redis,
    keyPrefix: config.redis.queuePrefix,
    // All three credentials (hashed): a changed secret never reuses a token cached under the old one.
    appId: [config.zoom.accountId, config.zoom.clientId, config.zoom.clientSecret].join('\0'),
    fetchToken,
    log: log.child({ component: 'oauth' }),
    ...(hooks.onFetch && { onFetch: hooks.onFetch }),
    // A fetcher that died mid-call holds the lock no longer than one OAuth call can take.
    lockTtlMs: config.zoom.httpTimeoutMs + 2000,
  });
  const pacer = createPacer({
    redis,
    keyPrefix: config.redis.queuePrefix,
    maxPerSecond: config.zoom.maxRequestsPerSecond,
    maxInlineWaitMs: config.zoom.pacerInlineWaitMs,
  });
  const zoom = createZoomClient({
    pacer,
    baseUrl: config.zoom.apiBaseUrl,
    dispatcher,
    tokens,
    timeoutMs: config.zoom.httpTimeoutMs,
    ...(hooks.onAnswer && { onAnswer: hooks.onAnswer }),
    ...(tracing && { tracing }),
  });
  return { dispatcher, fetchToken, tokens, pacer, zoom };
}
