import type { Queue } from 'bullmq';
import type { RedisConnection } from '../redis/connect';
import type { Alert } from '../alerts/alerts';
import type { ReconcileUsers } from '../config/reconcile-config';
import type { Logger } from '../logging/create-logger';
import { matchRule, type Rule } from '../policy/rules';
import { enqueueStart, type StartJobData } from '../queue/start-queue';
import { ZoomApiError } from '../zoom/errors';
import type { ListClient, ListedMeeting } from './list-client';
import { createPreflight } from './preflight';

export interface SweepDeps {
  list: ListClient;
  queue: Queue<StartJobData>;
  /** For preflight's marks of checked occurrences (under the queue's prefix). */
  redis: RedisConnection;
  users: ReconcileUsers;
  rules: () => readonly Rule[];
  /** 0: no preflight. */
  preflightLeadMs: number;
  alert?: (alert: Alert) => Promise<unknown>;
  log: Logger;
  now?: () => number;
  /** A start the sweep queued (the webhook never came). */
  onReconciled?: () => void;
  /** True once the service is shutting down: the sweep stops between calls. */
  stopping?: () => boolean;
}

export interface SweepReport {
  users: number;
  live: number;
  /** Starts queued by this sweep (no start job existed for the instance). */
  queued: number;
  upcoming: number;
  preflightFailed: number;
  /** Why the sweep ended early, if it did. */
  stoppedBy?: string;
  /** Set when Zoom answered a list call 429 with a Retry-After: no sweep before then. */
  backoffMs?: number;
}

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
 */
export function createSweep(deps: SweepDeps): () => Promise<SweepReport> {
  const now = deps.now ?? Date.now;
  const stopping = deps.stopping ?? (() => false);
  const preflight = createPreflight(deps);
  /** Users Zoom said it does not know: said once when it starts and once when it stops. */
  const unknownUsers = new Set<string>();

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
    const report: SweepReport = { users: 0, live: 0, queued: 0, upcoming: 0, preflightFailed: 0 };
    try {
      const users = await usersInScope();
      report.users = users.length;
      // Live meetings of every user first: a missed start waits for no preflight check.
      const known: string[] = [];
      for (const user of users) {
        if (stopping()) return { ...report, stoppedBy: 'shutdown' };
        let live: ListedMeeting[];
        try {
          live = await deps.list.meetings(user, 'live');
        } catch (err) {
          if (!isUnknownUser(err)) throw err;
          if (!unknownUsers.has(user))
            deps.log.error({ user }, 'reconcile: Zoom does not know this user in the account');
          unknownUsers.add(user);
          continue;
        }
        if (unknownUsers.delete(user))
          deps.log.info({ user }, 'reconcile: Zoom knows this user again');
        known.push(user);
        report.live += live.length;
        for (const meeting of live) await reconcileLive(meeting, report);
      }
      for (const user of deps.preflightLeadMs > 0 ? known : []) {
        if (stopping()) return { ...report, stoppedBy: 'shutdown' };
        await preflight(user, report);
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
    }
  };
}

/** `404 code 1001`: the user does not exist or is not in this account. */
export function isUnknownUser(err: unknown): boolean {
  return err instanceof ZoomApiError && err.status === 404 && err.zoomCode === 1001;
}
