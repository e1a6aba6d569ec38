import type { ServerResponse } from 'node:http';
import type { Answer } from './directory-types';
import type { RecordedRequest, ScriptedAnswer } from './sandbox-reply';

/** The kinds of trouble the sandbox can make, as Zoom makes them. */
export type ChaosFault =
  | 'first_429'
  | 'storm_429'
  | 'account_429'
  | 'daily_429'
  | 'server_error'
  | 'slow'
  | 'reset'
  | 'oauth_outage'
  | 'answer_lost';

/** Trouble for the calls of one account (or of every account) until `until` (ms since epoch). */
export interface ChaosWindow {
  fault: Exclude<ChaosFault, 'first_429'>;
  until: number;
  /** Only this account's calls; unset: every call. */
  account?: string;
  /** The share of matching calls that get the fault (default 1). */
  probability?: number;
  /**
   * `account_429` and `daily_429`: the `Retry-After` sent, in seconds (fractions allowed); unset,
   * the time left until the window ends (a daily limit lasts until "midnight").
   */
  retryAfterSeconds?: number;
  /** `slow`: how long the answer is held after Zoom acted. */
  delayMs?: number;
  /** When it began (set by `open`). */
  from?: number;
  /**
   * `oauth_outage`: the tokens issued before it are also answered 401 (code 124, expired), as
   * if Zoom had revoked them; unset, only the token calls fail and tokens live their time.
   */
  expireTokens?: boolean;
}

/** One fault the sandbox made, for the caller's record. */
export interface ChaosEvent {
  fault: ChaosFault;
  account: string | undefined;
  /** The meeting or webinar id of a livestream call. */
  meetingId: string | undefined;
  at: number;
  /** Zoom-imposed wait of a 429, in ms (what the service must wait before trying again). */
  waitMs?: number;
}

export interface ChaosOptions {
  now: () => number;
  /** A number in [0, 1): seed it for a reproducible run. */
  random: () => number;
  /** The account of a meeting or webinar id; undefined when unknown. */
  accountOfMeeting: (meetingId: string) => string | undefined;
  /** The account of a Zoom account id (the OAuth call's `account_id`). */
  accountOfZoomId: (zoomAccountId: string) => string | undefined;
  /**
   * The instance a meeting id is now (recurring meetings reuse ids): the usual first 429 is
   * given once per instance. Undefined: no first 429.
   */
  instanceOf: (meetingId: string) => string | undefined;
  /** The wait the usual livestream 429 imposes ("retry after 30 seconds", maybe time-scaled). */
  livestreamWaitMs: number;
  /** Every fault made, and every start Zoom carried out whose answer never reached the caller. */
  onEvent: (event: ChaosEvent) => void;
  /** Every livestream start Zoom carried out (answered 204), whether or not the answer arrives. */
  onStarted?: (meetingId: string, at: number) => void;
}

/** The hooks the sandbox server calls: before Zoom acts, and after. */
export interface ChaosHooks {
  before(record: RecordedRequest, url: URL): ScriptedAnswer | undefined;
  after(record: RecordedRequest, answer: Answer, res: ServerResponse): ScriptedAnswer | undefined;
}
