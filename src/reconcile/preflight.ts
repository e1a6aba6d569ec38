import { DEFAULT_ACCOUNT } from '../domain/account';
import { matchRule, type Rule } from '../policy/rules';
import { ZoomApiError } from '../zoom/errors';
import type { ListedMeeting } from './list-client';
import { accountScoped, type SweepDeps, type SweepReport } from './sweep-types';

/** After the start time a checked occurrence is forgotten this much later. */
const MARK_SLACK_MS = 3_600_000;

/**
 * Preflight for one user: each upcoming meeting that a rule would stream and that starts within
 * `preflightLeadMs` is checked once per occurrence (meeting id and start time): Zoom must know
 * the meeting in this account (`GET /meetings/{id}/livestream`: 404 or code 1010 say otherwise),
 * and the stream needs a target, the rule's own or the meeting's live-stream settings. A failed
 * check raises one `preflight_failed` alert per occurrence, saying what to fix. A check that
 * could not be made (429, network) is made again by the next sweep.
 */
export function createPreflight(deps: SweepDeps) {
  const now = deps.now ?? Date.now;
  return async function preflight(user: string, report: SweepReport): Promise<void> {
    const upcoming = await deps.list.meetings(user, 'upcoming');
    const t = now();
    for (const meeting of upcoming) await checkUpcoming(deps, meeting, t, report);
  };
}

/**
 * Checks one upcoming meeting if it starts within the lead, a rule streams it, and this occurrence
 * was not checked before.
 */
async function checkUpcoming(
  deps: SweepDeps,
  meeting: ListedMeeting,
  t: number,
  report: SweepReport,
): Promise<void> {
  const startMs = Date.parse(meeting.start_time ?? '');
  if (!(startMs >= t && startMs <= t + deps.preflightLeadMs)) return;
  const meetingId = String(meeting.id);
  const rule = matchRule(deps.rules(), {
    kind: 'meeting',
    meetingId,
    hostId: meeting.host_id,
    topic: meeting.topic,
    meetingType: meeting.type,
  });
  if (rule?.action !== 'stream') return;
  report.upcoming++;
  const occurrence = accountScoped(deps.account, `meeting-${meetingId}-${startMs}`);
  const client = deps.redis;
  const mark = deps.queue.toKey(`preflight-${occurrence}`);
  if ((await client.exists(mark)) === 1) return;
  const problem = await problemOf(deps, meeting, rule);
  const remember = () =>
    client.set(mark, problem ? 'failed' : 'ok', 'PX', startMs - t + MARK_SLACK_MS);
  if (!problem) {
    await remember();
    return;
  }
  report.preflightFailed++;
  await reportProblem(deps, { meeting, rule, problem, occurrence, t });
  await remember(); // after the alert is stored: a failed store is retried by the next sweep
}

async function problemOf(
  deps: SweepDeps,
  meeting: ListedMeeting,
  rule: Rule,
): Promise<string | undefined> {
  let target = rule.stream !== undefined;
  try {
    const details = await deps.list.livestream(String(meeting.id));
    target ||= Boolean(details.stream_url && details.stream_key);
  } catch (err) {
    if (!(err instanceof ZoomApiError)) throw err;
    if (err.status === 404)
      return 'Zoom does not know this meeting (deleted, or its id changed). Fix: check the meeting in Zoom';
    if (err.status === 400 && err.zoomCode === 1010)
      return "the meeting's host does not belong to this Zoom account. Fix: use an app of the host's account";
    throw err;
  }
  if (target) return undefined;
  return `no stream target: rule "${rule.name}" has no stream and the meeting has no live-stream settings in Zoom. Fix: add a stream (stream_url, stream_key, page_url) to the rule, or set the meeting's custom live streaming service in Zoom`;
}

interface PreflightProblem {
  meeting: ListedMeeting;
  rule: Rule;
  problem: string;
  occurrence: string;
  t: number;
}

/** Logs a failed check and raises its `preflight_failed` alert. */
async function reportProblem(deps: SweepDeps, p: PreflightProblem): Promise<void> {
  const meetingId = String(p.meeting.id);
  deps.log.warn(
    {
      meetingId,
      startTime: p.meeting.start_time,
      rule: p.rule.name,
      reason: p.problem,
      ...named(deps.account),
    },
    'preflight failed: this meeting cannot stream as things stand',
  );
  await deps.alert?.({
    type: 'preflight_failed',
    ...named(deps.account),
    kind: 'meeting',
    meetingId,
    topic: p.meeting.topic,
    reason: `starts ${p.meeting.start_time}: ${p.problem}`,
    zoomCode: undefined,
    attempts: 0,
    jobId: p.occurrence,
    at: new Date(p.t).toISOString(),
  });
}

/** The account, for a log line or an alert: none for the default account (as before accounts). */
function named(account: string | undefined): { account?: string } {
  return account === undefined || account === DEFAULT_ACCOUNT ? {} : { account };
}
