import type { Random } from './random';

export const ZOOM_FAULTS = [
  'storm_429',
  'account_429',
  'daily_429',
  'server_error',
  'slow',
  'reset',
  'oauth_outage',
  'answer_lost',
] as const;
export const PROCESS_FAULTS = [
  'worker_kill',
  'receiver_kill',
  'deploy',
  'master_kill',
  'replica_lag',
  'redis_pause',
] as const;

export type ZoomFaultKind = (typeof ZOOM_FAULTS)[number];
export type ProcessFaultKind = (typeof PROCESS_FAULTS)[number];

/** One injected fault: when (wall ms from the run's start), what, for whom, for how long. */
export interface ScheduledFault {
  at: number;
  kind: ZoomFaultKind | ProcessFaultKind;
  account?: string;
  durationMs: number;
  probability?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  expireTokens?: boolean;
}

export interface ScheduleShape {
  accounts: readonly string[];
  durationMs: number;
  timeScale: number;
  perKind: number;
  /** The service's Zoom HTTP time limit: slow answers stay under it (a lost answer is its own fault). */
  zoomTimeoutMs: number;
  /** Kinds left out (`--without`). */
  without?: readonly ScheduledFault['kind'][];
}

const MINUTE = 60_000;
/** The shortest account-level 429 window, in wall time. */
export const ACCOUNT_429_FLOOR_MS = 8000;

/**
 * The fault schedule: each kind `perKind` times, one in each equal slice of the first 85% of the
 * run (so that they overlap one another at random, and the end of the run is calm), each with its
 * duration in simulated minutes scaled to the wall clock.
 */
export function scheduleFaults(shape: ScheduleShape, random: Random): ScheduledFault[] {
  const sim = (min: number, max: number) => (random.between(min, max) * MINUTE) / shape.timeScale;
  const wall = (simMs: number, floorMs: number) => Math.max(floorMs, simMs);
  const account = () => random.pick(shape.accounts);
  const faults: ScheduledFault[] = [];
  const kinds = [...ZOOM_FAULTS, ...PROCESS_FAULTS].filter((k) => !shape.without?.includes(k));
  for (const kind of kinds) {
    const slice = (0.8 * shape.durationMs) / shape.perKind;
    for (let n = 0; n < shape.perKind; n++) {
      const at = 0.05 * shape.durationMs + slice * (n + random());
      faults.push({ at, ...shaped(kind) });
    }
  }
  return faults.sort((a, b) => a.at - b.at);

  function shaped(kind: ScheduledFault['kind']): Omit<ScheduledFault, 'at'> {
    switch (kind) {
      case 'storm_429':
        return { kind, account: account(), durationMs: wall(sim(10, 30), 2000), probability: 0.8 };
      case 'account_429':
        // At least 8 s of wall time: the account pauses a second at each 429, so a shorter
        // window at a high time scale meets a call or none at all.
        return {
          kind,
          account: account(),
          durationMs: wall(sim(1, 3), ACCOUNT_429_FLOOR_MS),
          retryAfterSeconds: 1,
        };
      case 'daily_429':
        // Retry-After: the time left until the window ends, as Zoom's says when the day ends.
        return { kind, account: account(), durationMs: wall(sim(5, 20), 3000) };
      case 'server_error':
        return {
          kind,
          ...(random.chance(0.5) && { account: account() }),
          durationMs: wall(sim(2, 10), 1500),
          probability: 0.7,
        };
      case 'slow':
        return {
          kind,
          durationMs: wall(sim(5, 15), 2000),
          probability: 0.5,
          delayMs: Math.round(shape.zoomTimeoutMs * random.between(0.2, 0.5)),
        };
      case 'reset':
        return { kind, durationMs: wall(sim(2, 5), 1500), probability: 0.3 };
      case 'oauth_outage':
        // Every second outage also expires the tokens in use (Zoom's 401, code 124).
        return {
          kind,
          account: account(),
          durationMs: wall(sim(3, 10), 2000),
          ...(faults.filter((f) => f.kind === kind).length % 2 === 1 && { expireTokens: true }),
        };
      case 'answer_lost':
        return { kind, durationMs: wall(sim(10, 30), 3000), probability: 0.15 };
      case 'worker_kill':
      case 'receiver_kill':
        return { kind, durationMs: random.between(500, 3000) };
      case 'deploy':
        return { kind, durationMs: 0 };
      case 'master_kill':
        return { kind, durationMs: random.between(3000, 8000) };
      case 'replica_lag':
        return { kind, durationMs: random.between(2000, 6000) };
      case 'redis_pause':
        return { kind, durationMs: random.between(500, 1500) };
    }
  }
}
