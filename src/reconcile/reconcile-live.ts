import { matchRule } from '../policy/rules';
import { enqueueStart } from '../queue/start-queue';
import type { StartJobData } from '../domain/start-job';
import type { ListedMeeting } from './list-client';
import type { SweepDeps, SweepReport } from './sweep-types';

/** The log line of a start the sweep queued. */
export const RECONCILED_MESSAGE =
  'live meeting had no start job: start queued (its meeting.started webhook never came)';

/** A live meeting's start job, as the webhook would have queued it. */
function liveStartJob(meeting: ListedMeeting, receivedAt: number): StartJobData {
  return {
    kind: 'meeting',
    meetingId: String(meeting.id),
    uuid: meeting.uuid,
    ...(meeting.topic !== undefined && { topic: meeting.topic }),
    ...(meeting.host_id !== undefined && { hostId: meeting.host_id }),
    ...(meeting.type !== undefined && { meetingType: meeting.type }),
    receivedAt,
    source: 'reconcile',
  };
}

/**
 * Queues a start for a live meeting a rule streams, unless its instance already has a start job;
 * a start queued here is counted, logged and alerted as a missed webhook.
 */
export async function reconcileLive(
  deps: SweepDeps,
  now: () => number,
  meeting: ListedMeeting,
  report: SweepReport,
): Promise<void> {
  const data = liveStartJob(meeting, now());
  const rule = matchRule(deps.rules(), data);
  if (rule?.action !== 'stream') return;
  const { jobId, duplicate } = await enqueueStart(deps.queue, data);
  if (duplicate) return;
  report.queued++;
  deps.onReconciled?.();
  deps.log.warn(
    { meetingId: data.meetingId, jobId, source: 'reconcile', rule: rule.name },
    RECONCILED_MESSAGE,
  );
  await deps.alert?.({
    type: 'webhook_missed',
    kind: 'meeting',
    meetingId: data.meetingId,
    topic: data.topic,
    reason:
      "Zoom lists it as live but no meeting.started webhook came. Check the Zoom app's event subscription (meeting.started, endpoint URL validated) and ZOOM_WEBHOOK_SECRET_TOKEN",
    zoomCode: undefined,
    attempts: 0,
    jobId,
    at: new Date(now()).toISOString(),
  });
}
