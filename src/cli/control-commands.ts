import type { Queue } from 'bullmq';
import { loadConfig, loadToolConfig } from '../config/load-config';
import {
  readInstanceFacts,
  recordInstanceFact,
  startJobId,
  type StartJobData,
} from '../queue/start-queue';
import {
  describeJob,
  listMeetingStatuses,
  type MeetingStatus,
  type MeetingState,
} from '../status/meeting-status';
import { ZoomError } from '../zoom/errors';
import { createZoomStack } from '../zoom/zoom-stack';
import { meetingId } from './meeting-id';
import { CliError, EXIT, type CliIo } from './io';
import { operatorLog, operatorName } from './operator';
import { printable } from './terminal-text';
import { withToolQueue } from './tool-queue';

export interface InstanceOptions {
  uuid?: string;
  webinar?: boolean;
}

const IN_PLAY: readonly MeetingState[] = ['waiting', 'confirming', 'starting'];
const STREAMING: readonly MeetingState[] = [...IN_PLAY, 'started', 'live'];

/** The instances of `meeting` in one of `states`: the `--uuid` one, or every one tracked. */
async function instances(
  queue: Queue<StartJobData>,
  meeting: string,
  options: InstanceOptions,
  states: readonly MeetingState[],
): Promise<MeetingStatus[]> {
  if (options.uuid === undefined)
    return (await listMeetingStatuses(queue, meeting)).filter((s) => states.includes(s.state));
  const jobId = startJobId(options.webinar ? 'webinar' : 'meeting', options.uuid);
  const job = await queue.getJob(jobId);
  if (!job || job.data.meetingId !== meeting) return [];
  const state = await job.getState();
  if (state === 'unknown') return [];
  const status = describeJob(job, state, await readInstanceFacts(queue, jobId));
  return states.includes(status.state) ? [status] : [];
}

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
      const waiting = await instances(queue, meeting, options, IN_PLAY);
      if (waiting.length === 0) {
        io.err(`no waiting start for meeting ${meeting}${uuidNote(options)} (nothing cancelled)\n`);
        return EXIT.notFound;
      }
      for (const s of waiting) {
        await recordInstanceFact(queue, kindOf(s), s.uuid, 'cancelled', Date.now(), operator);
        log.info(
          { action: 'cancel', operator, meetingId: meeting, topic: s.topic, jobId: s.jobId },
          'operator action',
        );
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
      try {
        const answer = await stack.zoom.stopLivestream(kind, meeting);
        log.info(
          { action: 'stop', operator, meetingId: meeting, trackingId: answer.trackingId },
          'operator action',
        );
      } catch (err) {
        if (!(err instanceof ZoomError)) throw err;
        log.warn(
          { action: 'stop', operator, meetingId: meeting, error: err.message },
          'operator action refused by Zoom',
        );
        throw new CliError(`Zoom did not stop the live stream: ${err.message}`, EXIT.failure);
      } finally {
        await stack.dispatcher.destroy();
      }
      const streaming = await instances(queue, meeting, options, STREAMING);
      for (const s of streaming)
        await recordInstanceFact(queue, kindOf(s), s.uuid, 'operatorStopped', Date.now(), operator);
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

const kindOf = (s: MeetingStatus) => (s.kind === 'webinar' ? 'webinar' : 'meeting');
const uuidNote = (o: InstanceOptions) =>
  o.uuid !== undefined ? `, instance ${printable(o.uuid)}` : '';
