import { loadConfig } from '../config/load-config';
import { cancelWaiting, stopLive } from '../operator/actions';
import type { MeetingStatus } from '../status/meeting-status';
import { ZoomError } from '../zoom/errors';
import { openAccountZoom } from '../operator/account-zoom';
import { meetingTarget, ofAccount, type MeetingOptions } from './commands';
import { meetingId } from './meeting-id';
import { CliError, EXIT, type CliIo } from './io';
import { operatorLog, operatorName } from './operator';
import { printable } from '../domain/plain-text';
import { actionAccount, loadToolAccounts, withCredentials } from './tool-accounts';
import { withToolQueues } from './tool-queue';

/** `cancel <meetingId> [--uuid] [--account]`: a waiting start is started no more. */
export async function cancelCommand(io: CliIo, id: string, o: MeetingOptions): Promise<number> {
  const meeting = meetingId(id);
  const { config, accounts, account, options } = meetingTarget(io, o);
  const operator = operatorName();
  const log = operatorLog(io, config);
  const where = ofAccount(accounts, account);
  return withToolQueues(
    io,
    async (queues) => {
      const waiting = await cancelWaiting(queues, meeting, options, operator, log);
      if (waiting.length === 0) {
        io.err(
          `no waiting start for meeting ${meeting}${where}${uuidNote(options)} (nothing cancelled)\n`,
        );
        return EXIT.notFound;
      }
      for (const s of waiting) {
        io.out(
          `cancelled the livestream start of meeting ${meeting}${where} (instance ${printable(s.uuid)}): job ${s.jobId}; it will not be started again\n`,
        );
      }
      return EXIT.ok;
    },
    config,
  );
}

/**
 * `stop <meetingId> [--uuid] [--account]`: `{"action":"stop"}` to Zoom through the paced client,
 * with the account's credentials, then every tracked instance (or the `--uuid` one) of that
 * account is recorded as stopped by the operator.
 */
export async function stopCommand(io: CliIo, id: string, o: MeetingOptions): Promise<number> {
  const meeting = meetingId(id);
  const config = loadConfig(io.env, 'worker');
  const accounts = loadToolAccounts(config, io.env);
  const account = withCredentials(actionAccount(accounts, o.account));
  const options = { ...o, account: account.name };
  const operator = operatorName();
  const log = operatorLog(io, config);
  const kind = options.webinar ? 'webinar' : 'meeting';
  return withToolQueues(
    io,
    async (queues, connection) => {
      const stack = await openAccountZoom(config, account, connection, queues.shardMap, log);
      let streaming: MeetingStatus[];
      try {
        streaming = await stopLive(queues, stack.zoom, meeting, options, operator, log);
      } catch (err) {
        if (!(err instanceof ZoomError)) throw err;
        throw new CliError(`Zoom did not stop the live stream: ${err.message}`, EXIT.failure);
      } finally {
        await stack.close();
      }
      io.out(
        `stopped the live stream of ${kind} ${meeting}${ofAccount(accounts, account.name)}` +
          (streaming.length > 0
            ? `; recorded as stopped by the operator (${streaming.map((s) => s.jobId).join(', ')}), not started again\n`
            : '; no tracked start of it to record\n'),
      );
      return EXIT.ok;
    },
    config,
  );
}

const uuidNote = (o: MeetingOptions) =>
  o.uuid !== undefined ? `, instance ${printable(o.uuid)}` : '';
