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
import { withToolQueue } from './tool-queue';

/** The CLI prints its answer; trigger and retry log nothing more. */
const SILENT = createLogger('silent');

/** `trigger <meetingId> [--uuid]`: queue a start by hand, exactly as a webhook would. */
export async function triggerCommand(
  io: CliIo,
  id: string,
  options: { uuid?: string; webinar?: boolean },
): Promise<number> {
  const meeting = meetingId(id);
  if (options.uuid !== undefined && options.uuid.trim() === '')
    throw new CliError('--uuid must not be empty', EXIT.usage);
  const { result, owner, uuid, kind } = await withToolQueue(io, async (queue) => {
    const added = await triggerStart(queue, meeting, options, operatorName(), SILENT);
    return { result: added, owner: added.otherOwner, uuid: added.uuid, kind: added.kind };
  });
  const instance = printable(uuid);
  if (owner !== undefined) {
    // The uuid names an instance of another meeting: nothing was queued for this one.
    io.err(
      `instance ${instance} belongs to ${kind} ${owner}, not ${meeting}: its start job ${result.jobId} is for ${kind} ${owner} (nothing added; check the meeting id and --uuid)\n`,
    );
    return EXIT.usage;
  }
  io.out(
    result.duplicate
      ? `instance ${instance} of ${kind} ${meeting} already has a start job: ${result.jobId} (nothing added)\n`
      : `queued a livestream start for ${kind} ${meeting} (instance ${instance}): job ${result.jobId}\n`,
  );
  return EXIT.ok;
}

/**
 * `status [<meetingId>] [--json] [--state S] [--since DURATION]`. Exit 4 when a named meeting has
 * no start job.
 */
export async function statusCommand(
  io: CliIo,
  id: string | undefined,
  options: { json?: boolean; state?: MeetingState; since?: number },
): Promise<number> {
  const meeting = id === undefined ? undefined : meetingId(id);
  const filtered = options.state !== undefined || options.since !== undefined;
  const now = (io.now ?? Date.now)();
  const from = options.since === undefined ? undefined : now - options.since;
  const listed = await withToolQueue(io, (queue) =>
    listMeetingStatuses(queue, meeting, options.state && { state: options.state }),
  );
  const statuses = listed.filter((s) => from === undefined || Date.parse(s.receivedAt) >= from);
  if (options.json) io.out(`${terminalJson(statuses.map(statusJson))}\n`);
  else if (statuses.length === 0)
    io.out(
      meeting
        ? `no start job for meeting ${meeting}${filtered ? ' matches' : ''}\n`
        : `no tracked meetings${filtered ? ' match' : ''}\n`,
    );
  else if (meeting) io.out(`${statuses.map((s) => formatStatusDetail(s, now)).join('\n\n')}\n`);
  else io.out(`${formatStatusTable(statuses, { now, width: io.columns ?? DEFAULT_COLUMNS })}\n`);
  return meeting && statuses.length === 0 ? EXIT.notFound : EXIT.ok;
}

/** `retry <meetingId> [--uuid]`: re-run the newest failed start of that meeting. */
export async function retryCommand(
  io: CliIo,
  id: string,
  options: { uuid?: string; webinar?: boolean },
): Promise<number> {
  const meeting = meetingId(id);
  return withToolQueue(io, async (queue) => {
    const result = await retryMeeting(queue, meeting, options, operatorName(), SILENT);
    if (!result.ok) {
      io.err(`${printable(result.message)}\n`);
      return result.why === 'not_found' ? EXIT.notFound : EXIT.failure;
    }
    io.out(`retrying the livestream start of meeting ${meeting}: job ${result.jobId}\n`);
    return EXIT.ok;
  });
}
