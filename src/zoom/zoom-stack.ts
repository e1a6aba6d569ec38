import type { RedisConnection } from '../redis/connect';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/create-logger';
import type { Tracing } from '../telemetry/tracing';
import { DEFAULT_ACCOUNT } from '../domain/account';
import { createZoomDispatcher } from './http';
import { fetchAccessToken, type FetchedToken } from './oauth';
import { createPacer, type Pacer } from './pacer';
import { createTokenProvider, type TokenProvider } from './token-provider';
import { createZoomClient, type ZoomClient } from './zoom-client';

/** One Zoom account's Server-to-Server app and its pacing limit. */
export interface ZoomAccount {
  /** The deployment's name for the account (`default` without an accounts file). */
  name: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  maxRequestsPerSecond: number;
}

/** One account's Zoom side: its token, its pacer and the client that uses them. */
export interface AccountZoom {
  /** One OAuth request with the account's credentials (no sharing, no caching). */
  fetchToken: () => Promise<FetchedToken>;
  tokens: TokenProvider;
  pacer: Pacer;
  zoom: ZoomClient;
}

export interface ZoomStack extends AccountZoom {
  dispatcher: Dispatcher & { destroy(): Promise<void> };
}

export interface ZoomHooks {
  onFetch?: (outcome: 'ok' | 'rejected' | 'error') => void;
  onAnswer?: (endpoint: string, status: number | 'error') => void;
}

/** The `ZOOM_*` variables as the one account they form. */
export function configAccount(config: Config): ZoomAccount {
  return {
    name: DEFAULT_ACCOUNT,
    accountId: config.zoom.accountId,
    clientId: config.zoom.clientId,
    clientSecret: config.zoom.clientSecret,
    maxRequestsPerSecond: config.zoom.maxRequestsPerSecond,
  };
}

/** One OAuth request with the account's credentials (default: the configured ones). */
export function tokenFetcher(
  config: Config,
  dispatcher: Dispatcher,
  tracing?: Tracing,
  account: ZoomAccount = configAccount(config),
): () => Promise<FetchedToken> {
  return () =>
    fetchAccessToken(dispatcher, {
      tokenUrl: config.zoom.oauthTokenUrl,
      accountId: account.accountId,
      clientId: account.clientId,
      clientSecret: account.clientSecret,
      timeoutMs: config.zoom.httpTimeoutMs,
      ...(tracing && { tracing }),
    });
}

/**
 * Where an account's shared token and pacing slots live in Redis. The default account keeps the
 * keys of the release before accounts (`<prefix>:zoom:slot`), so old and new workers pace
 * together during a rolling upgrade; any other account's keys carry its name, under the prefix of
 * its queue shard (same hash tag, so a Cluster keeps them with the account's starts).
 */
export function accountKeyPrefix(shardPrefix: string, account: string): string {
  return account === DEFAULT_ACCOUNT ? shardPrefix : `${shardPrefix}:account:${account}`;
}

export interface AccountZoomOptions {
  config: Config;
  account: ZoomAccount;
  redis: RedisConnection;
  dispatcher: Dispatcher;
  /** The account's shard prefix (`QUEUE_PREFIX` for shard 0). */
  shardPrefix: string;
  log: Logger;
  hooks?: ZoomHooks;
  /** Every Zoom call (OAuth and API) is a client span of this; default: none. */
  tracing?: Tracing;
}

/**
 * One account's token shared in Redis (named by a hash of the account's name and all three
 * credentials: a changed secret never reuses a token cached under the old one) and its own pacer
 * at its own limit, over a dispatcher the accounts share. Another account's 429 or rejected
 * credentials never touch it.
 */
export function createAccountZoom(options: AccountZoomOptions): AccountZoom {
  const { config, account, redis, dispatcher, hooks = {}, tracing } = options;
  const keyPrefix = accountKeyPrefix(options.shardPrefix, account.name);
  const credentials = [account.accountId, account.clientId, account.clientSecret];
  const fetchToken = tokenFetcher(config, dispatcher, tracing, account);
  const tokens = createTokenProvider({
    redis,
    keyPrefix,
    // The default account's token keeps its name from before accounts (the same three credentials).
    appId: (account.name === DEFAULT_ACCOUNT ? credentials : [account.name, ...credentials]).join(
      '\0',
    ),
    fetchToken,
    log: options.log.child({ component: 'oauth' }),
    ...(hooks.onFetch && { onFetch: hooks.onFetch }),
    // A fetcher that died mid-call holds the lock no longer than one OAuth call can take.
    lockTtlMs: config.zoom.httpTimeoutMs + 2000,
  });
  const pacer = createPacer({
    redis,
    keyPrefix,
    maxPerSecond: account.maxRequestsPerSecond,
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
  return { fetchToken, tokens, pacer, zoom };
}

/**
 * The Zoom side of the `ZOOM_*` account (or `account`) with a dispatcher of its own: what `stop`,
 * `doctor` and the console use for one call or check.
 */
export function createZoomStack(
  config: Config,
  redis: RedisConnection,
  log: Logger,
  hooks: ZoomHooks = {},
  tracing?: Tracing,
  account: ZoomAccount = configAccount(config),
  shardPrefix: string = config.redis.queuePrefix,
): ZoomStack {
  const dispatcher = createZoomDispatcher(config.zoom.httpTimeoutMs);
  const side = createAccountZoom({
    config,
    account,
    redis,
    dispatcher,
    shardPrefix,
    log,
    hooks,
    ...(tracing && { tracing }),
  });
  return { dispatcher, ...side };
}
