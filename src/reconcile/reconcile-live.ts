import { matchRule } from '../policy/rules';
import { enqueueStart } from '../queue/start-queue';
import { DEFAULT_ACCOUNT } from '../domain/account';
import type { StartJobData } from '../domain/start-job';
import type { ListedMeeting } from './list-client';
import type { SweepDeps, SweepReport } from './sweep-types';

/** The log line of a start the sweep queued. */
export const RECONCILED_MESSAGE =
  'live meeting had no start job: start queued (its meeting.started webhook never came)';

/**
 * A live meeting's start job, as the webhook would have queued it: another account's carries its
 * name, the default account's has none (the job shape of the release before accounts).
 */
function liveStartJob(
  meeting: ListedMeeting,
  receivedAt: number,
  account: string | undefined,
): StartJobData {
  return {
    ...(account !== undefined && account !== DEFAULT_ACCOUNT && { account }),
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
  const data = liveStartJob(meeting, now(), deps.account);
  const rule = matchRule(deps.rules(), data);
  if (rule?.action !== 'stream') return;
  const { jobId, duplicate } = await enqueueStart(deps.queue, data);
  if (duplicate) return;
  report.queued++;
  deps.onReconciled?.();
  deps.log.warn(
    {
      meetingId: data.meetingId,
      jobId,
      source: 'reconcile',
      rule: rule.name,
      account: data.account,
    },
    RECONCILED_MESSAGE,
  );
  await deps.alert?.({
    type: 'webhook_missed',
    ...(data.account !== undefined && { account: data.account }),
    kind: 'meeting',
    meetingId: data.meetingId,
    topic: data.topic,
    reason: `Zoom lists it as live but no meeting.started webhook came. ${webhookHint(data.account)}`,
    zoomCode: undefined,
    attempts: 0,
    jobId,
    at: new Date(now()).toISOString(),
  });
}

/** Where a missed webhook usually went wrong, for the account's own endpoint and secret. */
function webhookHint(account: string | undefined): string {
  if (account === undefined)
    return "Check the Zoom app's event subscription (meeting.started, endpoint URL validated) and ZOOM_WEBHOOK_SECRET_TOKEN";
  return `Check the event subscription of account ${account}'s Zoom app (meeting.started, endpoint URL …/webhooks/zoom/${account} validated) and the account's webhook_secret_token`;
}
