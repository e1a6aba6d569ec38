import { startZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startSentinelGroup } from '../support/redis-topology';
import { eventually } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';
import { spawnService, startsPerMeeting } from './processes';

export const PASSWORD = 'data-pw-Hk29';
export const SENTINEL_PASSWORD = 'sentinel-pw-Zm47';

export interface Answer {
  id: number;
  status: number;
  at: number;
}

/** Runs the service in Sentinel mode against a fresh group; `env` adds to the defaults. */
export async function sentinelWorld(env: Record<string, string>) {
  const group = await startSentinelGroup(PASSWORD, SENTINEL_PASSWORD);
  const zoomAnswers: { path: string; status: number; at: number }[] = [];
  const zoom = await startZoomSandbox({
    rateLimitedStarts: 1,
    onAnswer: (req, status) => zoomAnswers.push({ path: req.path, status, at: Date.now() }),
  });
  const app = await spawnService('all', '', '{ha}', zoom, {
    REDIS_SENTINELS: group.sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    REDIS_SENTINEL_MASTER: group.masterName,
    REDIS_PASSWORD: PASSWORD,
    REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
    LIVESTREAM_RETRY_DELAY_MS: '3000',
    WEBHOOK_REDIS_BUDGET_MS: '500',
    READINESS_CHECK_INTERVAL_MS: '1000',
    ...env,
  }).catch(async (err: unknown) => {
    await zoom.close();
    await group.stop();
    throw err;
  });
  return {
    group,
    app,
    zoom,
    starts: () => startsPerMeeting(zoomAnswers),
    startedAt: (id: number) =>
      zoomAnswers.find((a) => a.status === 204 && a.path.includes(`/${id}/livestream/status`))?.at,
    close: async () => {
      if (app.child.exitCode === null && app.child.signalCode === null) await app.kill('SIGKILL');
      await zoom.close();
      await group.stop();
    },
  };
}

export type SentinelWorld = Awaited<ReturnType<typeof sentinelWorld>>;

export const startEvent = (id: number) =>
  signed(meetingEvent('meeting.started', { id, uuid: `ha-${id}` }));

/**
 * Three senders post new meetings back to back; the master is SIGKILLed right after the
 * `killAfter`-th 2xx answer (0: it is already dead). Sending stops once webhooks are accepted again after the failover
 * (ten more 2xx) or after `limitMs`.
 */
export async function sendThroughFailover(
  world: SentinelWorld,
  firstId: number,
  killAfter = 5,
  limitMs = 40_000,
): Promise<{ answers: Answer[]; killedAt: number }> {
  const answers: Answer[] = [];
  let next = firstId;
  let killedAt = 0;
  let killing: Promise<void> | undefined;
  const deadline = Date.now() + limitMs;
  const recovered = (): boolean => {
    const lastFailure = answers.filter((a) => a.status !== 204).at(-1)?.at ?? Infinity;
    return answers.filter((a) => a.status === 204 && a.at > lastFailure).length >= 10;
  };
  const sender = async (): Promise<void> => {
    while (Date.now() < deadline && !((killAfter === 0 || killedAt > 0) && recovered())) {
      const id = next++;
      const res = await post(world.app.url, startEvent(id));
      answers.push({ id, status: res.status, at: Date.now() });
      if (
        killAfter > 0 &&
        res.status === 204 &&
        answers.filter((a) => a.status === 204).length === killAfter
      ) {
        killing = world.group.master.kill().then(() => void (killedAt = Date.now()));
        killedAt = Date.now();
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await Promise.all([sender(), sender(), sender()]);
  await killing;
  return { answers, killedAt };
}

/** Waits until every meeting answered 2xx has started, or `timeoutMs`; returns those that did not. */
export async function unstarted(world: SentinelWorld, ids: number[], timeoutMs = 30_000) {
  const missing = () => ids.filter((id) => !world.zoom.started.has(String(id)));
  await eventually(() => missing().length === 0, timeoutMs, 100).catch(() => undefined);
  return missing();
}
