import { loadToolConfig } from '../config/load-config';
import { createLogger } from '../logging/create-logger';
import { retryMeeting, triggerStart } from '../operator/actions';
import type { MeetingState } from '../domain/start-progress';
import { listMeetingStatuses } from '../status/read-statuses';
import { statusJson } from './status-json';
import { formatStatusDetail, formatStatusTable } from './status-text';
import { meetingId } from './meeting-id';
import { CliError, DEFAULT_COLUMNS, EXIT, type CliIo } from './io';
import { operatorName } from './operator';
import { printable, terminalJson } from '../domain/plain-text';
import { withToolQueues } from './tool-queue';
import { actionAccount, loadToolAccounts, namedAccount } from './tool-accounts';
import type { AccountSet } from '../accounts/account-types';

/** The CLI prints its answer; trigger and retry log nothing more. */
const SILENT = createLogger('silent');

/** The options of a command about one meeting, or one instance of it. */
export interface MeetingOptions {
  uuid?: string;
  webinar?: boolean;
  account?: string;
}

/** The config, the accounts, and the account a command about one meeting acts on. */
export function meetingTarget(io: CliIo, options: MeetingOptions) {
  const config = loadToolConfig(io.env);
  const accounts = loadToolAccounts(config, io.env);
  const account = actionAccount(accounts, options.account).name;
  return { config, accounts, account, options: { ...options, account } };
}

/** ` (account NAME)` in a deployment of several accounts, else nothing: one account's words stay. */
export const ofAccount = (accounts: AccountSet, name: string): string =>
  accounts.accounts.length > 1 ? ` (account ${name})` : '';

/** `trigger <meetingId> [--uuid] [--account]`: queue a start by hand, exactly as a webhook would. */
export async function triggerCommand(io: CliIo, id: string, o: MeetingOptions): Promise<number> {
  const meeting = meetingId(id);
  if (o.uuid !== undefined && o.uuid.trim() === '')
    throw new CliError('--uuid must not be empty', EXIT.usage);
  const { config, accounts, account, options } = meetingTarget(io, o);
  const { result, owner, uuid, kind } = await withToolQueues(
    io,
    async (queues) => {
      const added = await triggerStart(queues, meeting, options, operatorName(), SILENT);
      return { result: added, owner: added.otherOwner, uuid: added.uuid, kind: added.kind };
    },
    config,
  );
  const instance = printable(uuid);
  if (owner !== undefined) {
    // The uuid names an instance of another meeting: nothing was queued for this one.
    io.err(
      `instance ${instance} belongs to ${kind} ${owner}, not ${meeting}: its start job ${result.jobId} is for ${kind} ${owner} (nothing added; check the meeting id and --uuid)\n`,
    );
    return EXIT.usage;
  }
  const where = ofAccount(accounts, account);
  io.out(
    result.duplicate
      ? `instance ${instance} of ${kind} ${meeting}${where} already has a start job: ${result.jobId} (nothing added)\n`
      : `queued a livestream start for ${kind} ${meeting}${where} (instance ${instance}): job ${result.jobId}\n`,
  );
  return EXIT.ok;
}

/**
 * `status [<meetingId>] [--json] [--state S] [--since DURATION] [--account NAME]`. Exit 4 when a
 * named meeting has no start job. The account is a column (and a line of the detail) when the
 * starts listed may be of several accounts: the deployment has several, and no `--account`.
 */
export async function statusCommand(
  io: CliIo,
  id: string | undefined,
  options: { json?: boolean; state?: MeetingState; since?: number; account?: string },
): Promise<number> {
  const meeting = id === undefined ? undefined : meetingId(id);
  const config = loadToolConfig(io.env);
  const set = loadToolAccounts(config, io.env);
  const only = options.account === undefined ? undefined : namedAccount(set, options.account).name;
  const filtered = options.state !== undefined || options.since !== undefined;
  const now = (io.now ?? Date.now)();
  const from = options.since === undefined ? undefined : now - options.since;
  const listed = await withToolQueues(
    io,
    async (queues) =>
      listMeetingStatuses(await queues.all(), meeting, {
        ...(options.state && { state: options.state }),
        ...(only !== undefined && { accounts: new Set([only]) }),
      }),
    config,
  );
  const statuses = listed.filter((s) => from === undefined || Date.parse(s.receivedAt) >= from);
  const account =
    only === undefined &&
    (set.accounts.length > 1 || statuses.some((s) => s.account !== set.accounts[0]?.name));
  const where = only === undefined ? '' : ` of account ${only}`;
  if (options.json) io.out(`${terminalJson(statuses.map(statusJson))}\n`);
  else if (statuses.length === 0)
    io.out(
      meeting
        ? `no start job for meeting ${meeting}${where}${filtered ? ' matches' : ''}\n`
        : `no tracked meetings${where}${filtered ? ' match' : ''}\n`,
    );
  else if (meeting)
    io.out(`${statuses.map((s) => formatStatusDetail(s, now, { account })).join('\n\n')}\n`);
  else
    io.out(
      `${formatStatusTable(statuses, { now, width: io.columns ?? DEFAULT_COLUMNS, account })}\n`,
    );
  return meeting && statuses.length === 0 ? EXIT.notFound : EXIT.ok;
}

/** `retry <meetingId> [--uuid] [--account]`: re-run the newest failed start of that meeting. */
export async function retryCommand(io: CliIo, id: string, o: MeetingOptions): Promise<number> {
  const meeting = meetingId(id);
  const { config, accounts, account, options } = meetingTarget(io, o);
  return withToolQueues(
    io,
    async (queues) => {
      const result = await retryMeeting(queues, meeting, options, operatorName(), SILENT);
      if (!result.ok) {
        io.err(`${printable(result.message)}${ofAccount(accounts, account)}\n`);
        return result.why === 'not_found' ? EXIT.notFound : EXIT.failure;
      }
      io.out(
        `retrying the livestream start of meeting ${meeting}${ofAccount(accounts, account)}: job ${result.jobId}\n`,
      );
      return EXIT.ok;
    },
    config,
  );
}
