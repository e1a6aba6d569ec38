import type { DeclaredMeeting, SandboxMeeting, SandboxUser } from './directory-types';
import type { SandboxAccount } from './sandbox-account';
import type { SandboxOAuth } from './sandbox-oauth';
import type { Storm, StormShape } from './sandbox-rate-limit';
import type { RecordedRequest } from './sandbox-reply';
import { sendMeetingEvent, webhookPath, type MeetingEvent } from './sandbox-webhooks';

/** One account of the sandbox, as tests, the demo and the `sandbox` command drive it. */
export interface SandboxAccountView {
  name: string;
  credentials: { accountId: string; clientId: string; clientSecret: string };
  /** The secret token its webhooks are signed with. */
  webhookSecret: string;
  /** Its API calls per second before an account-level 429 (undefined: no limit). */
  maxRequestsPerSecond: number | undefined;
  /** `/webhooks/zoom/{name}` (`/webhooks/zoom` for `default`). */
  webhookPath: string;
  /** Its started streams, by meeting id. */
  started: Set<string>;
  streamTargets: Map<string, unknown>;
  users: SandboxUser[];
  /** Declares one of its meetings (live unless said otherwise), sending no webhook. */
  declareMeeting(meeting: DeclaredMeeting): SandboxMeeting;
  /** Its livestream PATCHes (those made with its token), oldest first. */
  livestreamCalls(): RecordedRequest[];
  /**
   * Every API call of the account (or every `shape.every`-th) gets an account-level 429 for
   * `seconds` (or until `calm`).
   */
  storm(seconds?: number, type?: Storm['type'], shape?: StormShape): void;
  calm(): void;
  /** Invalidates its issued tokens only. */
  revokeTokens(): void;
  /** Its app gets a new client secret at Zoom: the old one fetches no more tokens. */
  rotateClientSecret(secret: string): void;
  /**
   * Declares the meeting if it is new, then POSTs its signed event to `service` + the account's
   * path, as Zoom would; `secret`, `accountId`, `path` override what is sent (to see it refused).
   * Answers the service's HTTP status.
   */
  sendWebhook(
    service: string,
    event: MeetingEvent,
    meeting: DeclaredMeeting,
    options?: { secret?: string; accountId?: string; path?: string },
  ): Promise<number>;
}

export function accountView(
  account: SandboxAccount,
  oauth: SandboxOAuth,
  requests: readonly RecordedRequest[],
  now: () => number,
): SandboxAccountView {
  const { directory } = account;
  return {
    name: account.name,
    credentials: account.credentials,
    webhookSecret: account.webhookSecret,
    maxRequestsPerSecond: account.maxRequestsPerSecond,
    webhookPath: webhookPath(account.name),
    started: account.started,
    streamTargets: account.streamTargets,
    users: directory.users,
    declareMeeting: (meeting) => directory.declare(meeting),
    livestreamCalls: () =>
      requests.filter(
        (r) => r.account === account.name && r.method === 'PATCH' && r.path.includes('/livestream'),
      ),
    storm: (seconds, type = 'QPS', shape) => void account.limit.storm(type, seconds, shape),
    calm: () => account.limit.calm(),
    revokeTokens: () => oauth.revoke(account.name),
    rotateClientSecret: (secret) => void (account.credentials.clientSecret = secret),
    sendWebhook: (service, event, declared, options = {}) => {
      const known = directory.meetings.get(declared.id);
      const meeting = known ?? directory.declare(declared);
      if (event === 'meeting.ended') meeting.status = 'ended';
      return sendMeetingEvent(service, account, event, meeting, { ...options, now });
    },
  };
}
