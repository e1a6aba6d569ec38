import type { Account } from '../accounts/account-types';
import type { RedisConnection } from '../redis/connect';
import { createPacer, type Pacer } from '../zoom/pacer';
import type { TokenProvider } from '../zoom/token-provider';

/** What the sweep needs of an account's Zoom side: its token, and its pacing (for list calls). */
export interface AccountZoom {
  tokens: TokenProvider;
  /**
   * The account's pacer over the same Redis keys as its starts, built with
   * `maxInlineWaitMs: 0` (see `createSweepSlots`).
   */
  sweepPacer: Pacer;
}

/** An account's Zoom side for its sweep. */
export type AccountZoomSource = (account: Account) => Promise<AccountZoom>;

export interface AccountZoomOptions {
  /** The token the account's starts use (the worker's side); undefined: not served. */
  tokensOf: (name: string) => Promise<TokenProvider | undefined>;
  /** The key prefix of the account's pacing slots: the one its starts are paced under. */
  pacerPrefixOf: (name: string) => Promise<string>;
  redis: RedisConnection;
}

/**
 * Each account's sweep side: the very token its starts use, and a pacer over the same slots at
 * the account's own limit that never waits in place, so list calls and start calls of one account
 * share its rate limit and another account's never touch it.
 */
export function createAccountZoomSource(options: AccountZoomOptions): AccountZoomSource {
  return async (account) => {
    const tokens = await options.tokensOf(account.name);
    if (!tokens) throw new Error(`account ${account.name} is no longer served`);
    const sweepPacer = createPacer({
      redis: options.redis,
      keyPrefix: await options.pacerPrefixOf(account.name),
      maxPerSecond: account.zoom.maxRequestsPerSecond,
      maxInlineWaitMs: 0,
    });
    return { tokens, sweepPacer };
  };
}
