import type { ChaosHooks } from './chaos-types';
import {
  createSandboxAccount,
  type SandboxAccount,
  type SandboxAccountOptions,
} from './sandbox-account';
import { accountView, type SandboxAccountView } from './sandbox-account-view';
import { createSandboxApi } from './sandbox-api';
import type { DeclaredMeeting, SandboxMeeting, SandboxUser } from './sandbox-directory';
import { createSandboxOAuth } from './sandbox-oauth';
import { createReplier, type RecordedRequest, type ScriptedAnswer } from './sandbox-reply';
import { serveSandbox, type Scripts } from './sandbox-server';

export type { RecordedRequest, ScriptedAnswer } from './sandbox-reply';
export type { SandboxAccountOptions } from './sandbox-account';
export type { SandboxAccountView } from './sandbox-account-view';

export interface SandboxOptions {
  port?: number;
  host?: string;
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Without `accounts`: the one account's webhook secret token and per-second limit. */
  webhookSecret?: string;
  maxRequestsPerSecond?: number;
  /**
   * The accounts it plays, each with its own credentials, webhook secret, users, meetings and
   * rate limit. Without it: one account, `default`, with the credentials above.
   */
  accounts?: SandboxAccountOptions[];
  /** How many 429s each meeting's first start calls get before a 204 (Zoom's usual answer). */
  rateLimitedStarts?: number;
  tokenTtlSeconds?: number;
  now?: () => number;
  /**
   * Called with every answer the sandbox gives, with its extra headers (the `sandbox` command
   * and the demo print them).
   */
  onAnswer?: (request: RecordedRequest, status: number, headers: Record<string, string>) => void;
  /** Chaos mode (`sandbox-chaos.ts`): faults before Zoom acts, lost or slow answers after. */
  chaos?: ChaosHooks;
}

export interface ZoomSandbox {
  origin: string;
  apiBaseUrl: string;
  oauthTokenUrl: string;
  /** The first account's credentials (the only account's, without `accounts`). */
  credentials: { accountId: string; clientId: string; clientSecret: string };
  /** An account by name (throws for a name it does not play). */
  account(name: string): SandboxAccountView;
  /** Every account, in the order given. */
  accounts(): SandboxAccountView[];
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Livestream status/target calls only. */
  livestreamCalls(): RecordedRequest[];
  /** Answers for the next API calls other than GETs, in order, before the default behaviour. */
  script(...answers: ScriptedAnswer[]): void;
  /** Answers for the next GET (list and live-stream details) calls, in order. */
  scriptGets(...answers: ScriptedAnswer[]): void;
  /** Answers for the next OAuth calls, in order. */
  scriptOAuth(...answers: ScriptedAnswer[]): void;
  /** Invalidates every issued token (the next API call gets 401, code 124). */
  revokeTokens(): void;
  /** The first account's stream targets set with `PATCH …/livestream`, by meeting id. */
  streamTargets: Map<string, unknown>;
  /** The first account's started streams, by meeting id. */
  started: Set<string>;
  /** The first account's users (`GET /users`); one, `sandbox-host`, to begin with. */
  users: SandboxUser[];
  /**
   * Declares a meeting of the first account as Zoom would list it (live unless `status` says
   * otherwise; hosted by its first user) without sending any webhook. Also `POST
   * /sandbox/meetings` over HTTP.
   */
  declareMeeting(meeting: DeclaredMeeting): SandboxMeeting;
  /** List calls only (`GET /users…`), oldest first. */
  listCalls(): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A local stand-in for Zoom's OAuth and livestream endpoints, strict where Zoom is: Basic auth on
 * the token call, bearer tokens, `application/json` bodies valid against Zoom's OpenAPI schemas,
 * and the 429 "retry after 30 seconds" on a meeting's first start calls. It plays one or several
 * accounts: a token is good only for the account whose credentials fetched it, and each account
 * has its own users, meetings, rate limit (account-level 429s, and a storm switch) and webhook
 * secret (`sendWebhook` signs and posts to `/webhooks/zoom/{name}`). It also lists users and
 * meetings (`GET /users`, `GET /users/{userId}/meetings`, `GET /meetings/{id}/livestream`; see
 * `sandbox-directory.ts`) for meetings declared live or upcoming without any webhook. The demo, the tests and
 * the benchmarks all use it; `zoom-livestream-worker sandbox` runs it for development.
 */
export async function startZoomSandbox(options: SandboxOptions = {}): Promise<ZoomSandbox> {
  const now = options.now ?? Date.now;
  const accounts = new Map<string, SandboxAccount>();
  for (const o of options.accounts ?? [{ name: 'default', ...options }])
    accounts.set(o.name, createSandboxAccount(o, options.rateLimitedStarts ?? 1, now));
  if (accounts.size === 0) throw new Error('the sandbox needs at least one account');
  const first = [...accounts.values()][0]!;
  const scripts: Scripts = { api: [], oauth: [], gets: [] };
  const requests: RecordedRequest[] = [];
  const oauth = createSandboxOAuth(
    () => [...accounts.values()],
    options.tokenTtlSeconds ?? 3600,
    now,
  );
  const api = createSandboxApi({ accounts, oauth });
  const views = new Map(
    [...accounts].map(([name, a]) => [name, accountView(a, oauth, requests, now)]),
  );

  const send = createReplier(options.onAnswer);
  const { origin, close } = await serveSandbox(
    { now, requests, scripts, oauth, api, send, chaos: options.chaos },
    options.host ?? '127.0.0.1',
    options.port ?? 0,
  );
  return {
    origin,
    apiBaseUrl: `${origin}/v2`,
    oauthTokenUrl: `${origin}/oauth/token`,
    credentials: first.credentials,
    account: (name) => {
      const view = views.get(name);
      if (!view) throw new Error(`the sandbox plays no account named ${name}`);
      return view;
    },
    accounts: () => [...views.values()],
    requests,
    livestreamCalls: () =>
      requests.filter((r) => r.method === 'PATCH' && r.path.includes('/livestream')),
    listCalls: () => requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v2/users')),
    script: (...answers) => void scripts.api.push(...answers),
    scriptOAuth: (...answers) => void scripts.oauth.push(...answers),
    scriptGets: (...answers) => void scripts.gets.push(...answers),
    revokeTokens: () => oauth.revoke(),
    streamTargets: first.streamTargets,
    started: first.started,
    users: first.directory.users,
    declareMeeting: (meeting) => first.directory.declare(meeting),
    close,
  };
}
