import { loadConfig, loadToolConfig } from '../config/load-config';
import { cancelWaiting, stopLive, type InstanceOptions } from '../operator/actions';
import type { MeetingStatus } from '../status/meeting-status';
import { ZoomError } from '../zoom/errors';
import { createZoomStack } from '../zoom/zoom-stack';
import { meetingId } from './meeting-id';
import { CliError, EXIT, type CliIo } from './io';
import { operatorLog, operatorName } from './operator';
import { printable } from '../domain/plain-text';
import { withToolQueue } from './tool-queue';

export type { InstanceOptions };

/** `cancel <meetingId> [--uuid]`: a waiting start is started no more. */
export async function cancelCommand(
  io: CliIo,
  id: string,
  options: InstanceOptions,
): Promise<number> {
  const meeting = meetingId(id);
  const config = loadToolConfig(io.env);
  const operator = operatorName();
  const log = operatorLog(io, config);
  return withToolQueue(
    io,
    async (queue) => {
      const waiting = await cancelWaiting(queue, meeting, options, operator, log);
      if (waiting.length === 0) {
        io.err(`no waiting start for meeting ${meeting}${uuidNote(options)} (nothing cancelled)\n`);
        return EXIT.notFound;
      }
      for (const s of waiting) {
        io.out(
          `cancelled the livestream start of meeting ${meeting} (instance ${printable(s.uuid)}): job ${s.jobId}; it will not be started again\n`,
        );
      }
      return EXIT.ok;
    },
    config,
  );
}

/**
 * `stop <meetingId> [--uuid]`: `{"action":"stop"}` to Zoom through the paced client, then every
 * tracked instance (or the `--uuid` one) is recorded as stopped by the operator.
 */
export async function stopCommand(
  io: CliIo,
  id: string,
  options: InstanceOptions,
): Promise<number> {
  const meeting = meetingId(id);
  const config = loadConfig(io.env, 'worker');
  const operator = operatorName();
  const log = operatorLog(io, config);
  const kind = options.webinar ? 'webinar' : 'meeting';
  return withToolQueue(
    io,
    async (queue, connection) => {
      const stack = createZoomStack(config, connection, log);
      let streaming: MeetingStatus[];
      try {
        streaming = await stopLive(queue, stack.zoom, meeting, options, operator, log);
      } catch (err) {
        if (!(err instanceof ZoomError)) throw err;
        throw new CliError(`Zoom did not stop the live stream: ${err.message}`, EXIT.failure);
      } finally {
        await stack.dispatcher.destroy();
      }
      io.out(
        `stopped the live stream of ${kind} ${meeting}` +
          (streaming.length > 0
            ? `; recorded as stopped by the operator (${streaming.map((s) => s.jobId).join(', ')}), not started again\n`
            : '; no tracked start of it to record\n'),
      );
      return EXIT.ok;
    },
    config,
  );
}

const uuidNote = (o: InstanceOptions) =>
  o.uuid !== undefined ? `, instance ${printable(o.uuid)}` : '';
