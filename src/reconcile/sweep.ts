import { matchRule, type Rule } from '../policy/rules';
import { enqueueStart } from '../queue/start-queue';
import type { StartJobData } from '../domain/start-job';
import { ZoomApiError, ZoomCredentialsError, ZoomError } from '../zoom/errors';
import type { ListedMeeting } from './list-client';
import { createPreflight } from './preflight';
import type { SweepDeps, SweepReport } from './sweep-types';
import { createSweepRotation } from './sweep-rotation';

/** The log line of a start the sweep queued. */
export const RECONCILED_MESSAGE =
  'live meeting had no start job: start queued (its meeting.started webhook never came)';

/** The hosts named by the streaming rules (`host_ids`), which the sweep covers by default. */
export function ruleHosts(rules: readonly Rule[]): string[] {
  return [...new Set(rules.flatMap((r) => (r.action === 'stream' ? (r.match.hostIds ?? []) : [])))];
}

/**
 * One sweep: asks Zoom which meetings are live for the users in scope and queues a start, through
 * the webhook's own `enqueueStart` (one job per instance uuid), for each one a rule streams. An
 * instance that already has a start job (the webhook came, an earlier sweep found it, it ended,
 * its start failed) is left alone: the add is a no-op. Then preflight checks upcoming meetings.
 * A failed list call skips that user only; a 429 (the account is rate limited), rejected
 * credentials or our own trouble (Redis) end the sweep. Users are asked in a rotating order
 * (`sweep-rotation.ts`), so neither a stopped sweep nor a failure tied to a position in the sweep
 * keeps missing the same users.
 */
export function createSweep(deps: SweepDeps): () => Promise<SweepReport> {
  const now = deps.now ?? Date.now;
  const stopping = deps.stopping ?? (() => false);
  const preflight = createPreflight(deps);
  /** Users Zoom said it does not know: said once when it starts and once when it stops. */
  const unknownUsers = new Set<string>();
  const rotation = createSweepRotation(deps.redis, deps.queue.toKey('reconcile-rotation'));

  /** Runs one user's list step; false when its list call failed (logged) and the sweep goes on. */
  async function perUser(
    user: string,
    what: string,
    step: () => Promise<void>,
    report: SweepReport,
  ) {
    try {
      await step();
      if (unknownUsers.delete(user))
        deps.log.info({ user }, 'reconcile: Zoom knows this user again');
      return true;
    } catch (err) {
      if (isUnknownUser(err)) {
        if (!unknownUsers.has(user))
          deps.log.error({ user }, 'reconcile: Zoom does not know this user in the account');
        unknownUsers.add(user);
        return false;
      }
      if (!goesOn(err)) throw err;
      report.failed++;
      deps.log.warn(
        { user, err: { message: err.message } },
        `reconcile: listing this user's ${what} meetings failed; the sweep goes on with the next user`,
      );
      return false;
    }
  }

  async function usersInScope(): Promise<string[]> {
    if (deps.users.kind === 'all') return deps.list.users();
    if (deps.users.kind === 'list') return [...deps.users.ids];
    return ruleHosts(deps.rules());
  }

  async function reconcileLive(meeting: ListedMeeting, report: SweepReport): Promise<void> {
    const data: StartJobData = {
      kind: 'meeting',
      meetingId: String(meeting.id),
      uuid: meeting.uuid,
      ...(meeting.topic !== undefined && { topic: meeting.topic }),
      ...(meeting.host_id !== undefined && { hostId: meeting.host_id }),
      ...(meeting.type !== undefined && { meetingType: meeting.type }),
      receivedAt: now(),
      source: 'reconcile',
    };
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

  return async function sweep(): Promise<SweepReport> {
    const report: SweepReport = {
      users: 0,
      live: 0,
      queued: 0,
      upcoming: 0,
      preflightFailed: 0,
      failed: 0,
    };
    let users: string[] = [];
    let reached = 0;
    try {
      users = await rotation.order(await usersInScope());
      report.users = users.length;
      // Live meetings of every user first: a missed start waits for no preflight check.
      const listed: string[] = [];
      for (const user of users) {
        if (stopping()) return { ...report, stoppedBy: 'shutdown' };
        const live = async () => {
          const meetings = await deps.list.meetings(user, 'live');
          report.live += meetings.length;
          for (const meeting of meetings) await reconcileLive(meeting, report);
        };
        if (await perUser(user, 'live', live, report)) listed.push(user);
        reached++;
      }
      for (const user of deps.preflightLeadMs > 0 ? listed : []) {
        if (stopping()) return { ...report, stoppedBy: 'shutdown' };
        await perUser(user, 'upcoming', () => preflight(user, report), report);
      }
      return report;
    } catch (err) {
      if (err instanceof ZoomApiError && err.status === 429)
        return {
          ...report,
          stoppedBy: 'rate_limited',
          ...(err.retryAfterMs !== undefined && { backoffMs: err.retryAfterMs }),
        };
      return { ...report, stoppedBy: err instanceof Error ? err.message : String(err) };
    } finally {
      await rotation
        .advance(reached, users.length)
        .catch((err: Error) =>
          deps.log.warn({ err: { message: err.message } }, 'reconcile: rotation point not saved'),
        );
    }
  };
}

/** Zoom's trouble with one call (5xx, timeout, reset, 4xx): the sweep goes on with the next user. */
function goesOn(err: unknown): err is ZoomError {
  if (!(err instanceof ZoomError) || err instanceof ZoomCredentialsError) return false;
  return !(err instanceof ZoomApiError && err.status === 429);
}

/** `404 code 1001`: the user does not exist or is not in this account. */
export function isUnknownUser(err: unknown): boolean {
  return err instanceof ZoomApiError && err.status === 404 && err.zoomCode === 1001;
}
