import { createSandboxApi } from './sandbox-api';
import type { ChaosHooks } from './chaos-types';
import {
  createSandboxDirectory,
  type DeclaredMeeting,
  type SandboxMeeting,
  type SandboxUser,
} from './sandbox-directory';
import { createLivestreamEndpoint } from './sandbox-livestream';
import { createSandboxOAuth } from './sandbox-oauth';
import { createReplier, type RecordedRequest, type ScriptedAnswer } from './sandbox-reply';
import { serveSandbox, type Scripts } from './sandbox-server';

export type { RecordedRequest, ScriptedAnswer } from './sandbox-reply';

export interface SandboxOptions {
  port?: number;
  host?: string;
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  /** How many 429s each meeting's first start calls get before a 204 (Zoom's usual answer). */
  rateLimitedStarts?: number;
  tokenTtlSeconds?: number;
  now?: () => number;
  /** Called with every answer the sandbox gives (the `sandbox` command and the demo print them). */
  onAnswer?: (request: RecordedRequest, status: number) => void;
  /** Chaos mode (`sandbox-chaos.ts`): faults before Zoom acts, lost or slow answers after. */
  chaos?: ChaosHooks;
}

export interface ZoomSandbox {
  origin: string;
  apiBaseUrl: string;
  oauthTokenUrl: string;
  credentials: { accountId: string; clientId: string; clientSecret: string };
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
  /** Stream targets set with `PATCH …/livestream`, by meeting id. */
  streamTargets: Map<string, unknown>;
  /** Started streams, by meeting id. */
  started: Set<string>;
  /** The account's users (`GET /users`); one, `sandbox-host`, to begin with. */
  users: SandboxUser[];
  /**
   * Declares a meeting as Zoom would list it (live unless `status` says otherwise; hosted by the
   * first user) without sending any webhook. Also `POST /sandbox/meetings` over HTTP.
   */
  declareMeeting(meeting: DeclaredMeeting): SandboxMeeting;
  /** List calls only (`GET /users…`), oldest first. */
  listCalls(): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A local stand-in for Zoom's OAuth and livestream endpoints, strict where Zoom is: Basic auth on
 * the token call, bearer tokens, `application/json` bodies valid against Zoom's OpenAPI schemas,
 * and the 429 "retry after 30 seconds" on a meeting's first start calls. It also lists users and
 * meetings (`GET /users`, `GET /users/{userId}/meetings`, `GET /meetings/{id}/livestream`; see
 * `sandbox-directory.ts`) for meetings declared live or upcoming without any webhook. The demo, the tests and
 * the benchmarks all use it; `zoom-livestream-worker sandbox` runs it for development.
 */
export async function startZoomSandbox(options: SandboxOptions = {}): Promise<ZoomSandbox> {
  const now = options.now ?? Date.now;
  const credentials = {
    accountId: options.accountId ?? 'sandbox-account',
    clientId: options.clientId ?? 'sandbox-client',
    clientSecret: options.clientSecret ?? 'sandbox-secret',
  };
  const scripts: Scripts = { api: [], oauth: [], gets: [] };
  const requests: RecordedRequest[] = [];
  const streamTargets = new Map<string, unknown>();
  const started = new Set<string>();
  const directory = createSandboxDirectory(streamTargets, now);
  const oauth = createSandboxOAuth(credentials, options.tokenTtlSeconds ?? 3600, now);
  const livestream = createLivestreamEndpoint(
    options.rateLimitedStarts ?? 1,
    streamTargets,
    started,
  );
  const api = createSandboxApi({ directory, oauth, livestream });

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
    credentials,
    requests,
    livestreamCalls: () =>
      requests.filter((r) => r.method === 'PATCH' && r.path.includes('/livestream')),
    listCalls: () => requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v2/users')),
    script: (...answers) => void scripts.api.push(...answers),
    scriptOAuth: (...answers) => void scripts.oauth.push(...answers),
    scriptGets: (...answers) => void scripts.gets.push(...answers),
    revokeTokens: () => oauth.revoke(),
    streamTargets,
    started,
    users: directory.users,
    declareMeeting: (meeting) => directory.declare(meeting),
    close,
  };
}
