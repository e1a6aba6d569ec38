import { createSandboxDirectory } from './sandbox-directory';
import { createLivestreamEndpoint } from './sandbox-livestream';
import { createAccountRateLimit } from './sandbox-rate-limit';

/** One Zoom account the sandbox plays: its Server-to-Server app, its webhook secret, its limit. */
export interface SandboxAccountOptions {
  /** The deployment's name for it (`[a-z0-9-]`): its webhook path is `/webhooks/zoom/{name}`. */
  name: string;
  /** Zoom's account id (`payload.account_id` of its webhooks, `account_id` of its token call). */
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  /** The secret token its webhooks are signed with. */
  webhookSecret?: string;
  /** Its API calls per second before an account-level 429; unlimited when unset. */
  maxRequestsPerSecond?: number;
}

/**
 * The credentials of an account the sandbox plays, unless given: derived from its name (a
 * deployment's accounts file can be written from the names alone). The account named `default`
 * is the one-account sandbox of before, with its fixed credentials.
 */
export function credentialsOf(o: SandboxAccountOptions) {
  const suffix = o.name === 'default' ? '' : `-${o.name}`;
  return {
    accountId: o.accountId ?? `sandbox-account${suffix}`,
    clientId: o.clientId ?? `sandbox-client${suffix}`,
    clientSecret: o.clientSecret ?? `sandbox-secret${suffix}`,
  };
}

/**
 * An account's whole world in the sandbox: credentials, users and meetings, started streams,
 * stream targets, and its own rate limit (and storm switch). Two accounts may hold the same
 * meeting number: nothing here is shared.
 */
export function createSandboxAccount(
  options: SandboxAccountOptions,
  rateLimitedStarts: number,
  now: () => number,
) {
  const streamTargets = new Map<string, unknown>();
  const started = new Set<string>();
  return {
    name: options.name,
    credentials: credentialsOf(options),
    webhookSecret: options.webhookSecret ?? `sandbox-webhook-secret-${options.name}`,
    maxRequestsPerSecond: options.maxRequestsPerSecond,
    /** The sandbox's clock (its webhooks are stamped with it). */
    now,
    streamTargets,
    started,
    directory: createSandboxDirectory(streamTargets, now),
    livestream: createLivestreamEndpoint(rateLimitedStarts, streamTargets, started),
    limit: createAccountRateLimit(options.maxRequestsPerSecond, now),
  };
}

export type SandboxAccount = ReturnType<typeof createSandboxAccount>;
