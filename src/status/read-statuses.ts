import type { Queue } from 'bullmq';
import type { StartJobData } from '../domain/start-job';
import type { MeetingState } from '../domain/start-progress';
import { listMeetingPage } from './meeting-page';
import type { MeetingStatus } from './meeting-status';

/** How many instances `status` lists at most (the newest). */
export const STATUS_LIST_LIMIT = 1000;
/** Instances of one meeting looked at: a meeting has few, however many the queue holds. */
const ONE_MEETING_LIMIT = 20_000;

/**
 * Every tracked meeting instance (newest first, at most `limit`), or every instance of one
 * meeting id, optionally in one state. The jobs are read per BullMQ state and their instance
 * facts in one pipelined round trip (the console's reader, {@link listMeetingPage}).
 */
export async function listMeetingStatuses(
  queue: Queue<StartJobData>,
  meetingId?: string,
  options: { state?: MeetingState; limit?: number } = {},
): Promise<MeetingStatus[]> {
  const page = await listMeetingPage(queue, {
    ...(meetingId !== undefined && { text: meetingId }),
    ...(options.state !== undefined && { state: options.state }),
    offset: 0,
    limit: meetingId !== undefined ? ONE_MEETING_LIMIT : (options.limit ?? STATUS_LIST_LIMIT),
  });
  // The text filter also matches topics and instance ids that contain the digits.
  return meetingId === undefined
    ? page.rows
    : page.rows.filter((s) => s.meetingId === meetingId).slice(0, options.limit);
}
