import type { Rule } from '../policy/rules';
import { ZoomApiError } from '../zoom/errors';
import { createPreflight } from './preflight';
import { reconcileLive } from './reconcile-live';
import { accountScoped, type SweepDeps, type SweepReport } from './sweep-types';
import { createSweepRotation } from './sweep-rotation';
import { SweepDeferredError } from './sweep-slots';
import { createUserStep, type UserStep } from './sweep-user-step';

export { RECONCILED_MESSAGE } from './reconcile-live';
export { isUnknownUser } from './sweep-user-step';

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
  const perUser = createUserStep(deps.log);
  const rotationKey = deps.queue.toKey(accountScoped(deps.account, 'reconcile-rotation'));
  const rotation = createSweepRotation(deps.redis, rotationKey);

  return async function sweep(): Promise<SweepReport> {
    const report = emptyReport();
    let users: string[] = [];
    const progress = { reached: 0 };
    try {
      users = await rotation.order(await usersInScope(deps));
      report.users = users.length;
      const listed = await sweepLive(deps, { now, stopping, perUser }, users, report, progress);
      if (listed === undefined) return { ...report, stoppedBy: 'shutdown' };
      for (const user of deps.preflightLeadMs > 0 ? listed : []) {
        if (stopping()) return { ...report, stoppedBy: 'shutdown' };
        await perUser(user, 'upcoming', () => preflight(user, report), report);
      }
      return report;
    } catch (err) {
      return stoppedReport(report, err);
    } finally {
      await rotation
        .advance(progress.reached, users.length)
        .catch((err: Error) =>
          deps.log.warn({ err: { message: err.message } }, 'reconcile: rotation point not saved'),
        );
    }
  };
}

function emptyReport(): SweepReport {
  return { users: 0, live: 0, queued: 0, upcoming: 0, preflightFailed: 0, failed: 0 };
}

async function usersInScope(deps: SweepDeps): Promise<string[]> {
  if (deps.users.kind === 'all') return deps.list.users();
  if (deps.users.kind === 'list') return [...deps.users.ids];
  return ruleHosts(deps.rules());
}

interface LiveStepContext {
  now: () => number;
  stopping: () => boolean;
  perUser: UserStep;
}

/**
 * Live meetings of every user first: a missed start waits for no preflight check. Returns the
 * users whose list call succeeded, or undefined when shutdown stopped it; `progress.reached`
 * counts the users it got to.
 */
async function sweepLive(
  deps: SweepDeps,
  ctx: LiveStepContext,
  users: readonly string[],
  report: SweepReport,
  progress: { reached: number },
): Promise<string[] | undefined> {
  const listed: string[] = [];
  for (const user of users) {
    if (ctx.stopping()) return undefined;
    const live = async () => {
      const meetings = await deps.list.meetings(user, 'live');
      report.live += meetings.length;
      for (const meeting of meetings) await reconcileLive(deps, ctx.now, meeting, report);
    };
    if (await ctx.perUser(user, 'live', live, report)) listed.push(user);
    progress.reached++;
  }
  return listed;
}

/**
 * The report of a sweep an error ended: a 429 carries Zoom's Retry-After as the backoff, a
 * paused account the rest of its pause.
 */
function stoppedReport(report: SweepReport, err: unknown): SweepReport {
  if (err instanceof SweepDeferredError)
    return { ...report, stoppedBy: 'paused', backoffMs: err.waitMs };
  if (err instanceof ZoomApiError && err.status === 429)
    return {
      ...report,
      stoppedBy: 'rate_limited',
      ...(err.retryAfterMs !== undefined && { backoffMs: err.retryAfterMs }),
    };
  return { ...report, stoppedBy: err instanceof Error ? err.message : String(err) };
}
