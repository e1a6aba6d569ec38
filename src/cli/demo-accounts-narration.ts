import { Writable } from 'node:stream';
import { DEFAULT_ACCOUNT } from '../domain/account';
import type { RecordedRequest } from '../sandbox/zoom-sandbox';
import type { Say } from './demo-narration';

/** What the demo saw of one account's meeting. */
export interface AccountStory {
  meetingId: string;
  webhookAt?: number;
  startedAt?: number;
  attempts?: number;
  accountLimited: number;
}

/** A line said in the account's column, so the accounts read side by side. */
export type SayFor = (account: string, text: string) => void;

export function sayFor(say: Say, names: readonly string[]): SayFor {
  const width = Math.max(...names.map((n) => n.length));
  return (account, text) => say(`${account.padEnd(width)}  ${text}`);
}

/** The account a job id belongs to: `campus.meeting-…` → `campus`; a bare id → `default`. */
export function accountOfJobId(jobId: unknown): string {
  const match = /^([a-z0-9-]{1,32})\.(?:meeting|webinar)-/.exec(String(jobId));
  return match ? match[1]! : DEFAULT_ACCOUNT;
}

/** Says each answer of the sandbox in its account's column (list calls unsaid). */
export function narrateAccountsAnswer(sayAs: SayFor, stories: Map<string, AccountStory>) {
  return (req: RecordedRequest, status: number, headers: Record<string, string>): void => {
    const account = req.account ?? '?';
    if (req.path.startsWith('/oauth/token'))
      return sayAs(account, `Zoom OAuth  POST /oauth/token → ${status} (this account's own token)`);
    if (req.method === 'GET') return;
    const type = headers['x-ratelimit-type'];
    let why = '';
    if (status === 429 && type) {
      const story = stories.get(account);
      if (story) story.accountLimited += 1;
      why = ` account-level 429 (X-RateLimit-Type: ${type}): this account only`;
    } else if (status === 429) why = ' "retry after 30 seconds"';
    sayAs(account, `Zoom API    ${req.method} ${req.path} → ${status}${why}`);
  };
}

/** Tells each account's story from the service's JSON log lines. */
function narrateLine(sayAs: SayFor, stories: Map<string, AccountStory>, now: () => number) {
  return (line: Record<string, unknown>): void => {
    const account = typeof line.account === 'string' ? line.account : accountOfJobId(line.jobId);
    const story = stories.get(account);
    if (line.msg === 'webhook handled' && line.event === 'meeting.started')
      sayAs(
        account,
        `receiver    webhook ${String(line.outcome)} (${String(line.status)}); start job ${String(line.jobId)} stored in Redis`,
      );
    if (line.msg === 'livestream start deferred')
      sayAs(
        account,
        `worker      will try again at ${String(line.nextAttemptAt).slice(11, 19)} (${String(line.reason)}); the job waits in Redis, holding no worker`,
      );
    if (line.msg === 'livestream started') {
      if (story) [story.startedAt, story.attempts] = [now(), Number(line.attempts)];
      sayAs(account, `worker      stream started after ${String(line.attempts)} attempts`);
    }
    if (line.msg === 'livestream start failed')
      sayAs(account, `worker      start failed: ${String(line.reason)}`);
  };
}

/** The stream the service logs to during the accounts demo: each JSON line narrated. */
export function createAccountsStory(
  sayAs: SayFor,
  stories: Map<string, AccountStory>,
  now: () => number = Date.now,
): Writable {
  const narrate = narrateLine(sayAs, stories, now);
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        narrate(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
}

/** One line per account: when its stream started after its webhook, and how. */
export function summaryLines(stories: Map<string, AccountStory>, stormed: string): string[] {
  return [...stories].map(([name, s]) => {
    const after =
      s.startedAt !== undefined && s.webhookAt !== undefined
        ? `${((s.startedAt - s.webhookAt) / 1000).toFixed(1)} s after its webhook`
        : 'not started';
    const storm = name === stormed ? `, ${s.accountLimited} account-level 429s in its storm` : '';
    return `${name}: meeting ${s.meetingId} stream started ${after} (${s.attempts ?? 0} attempts${storm})`;
  });
}
