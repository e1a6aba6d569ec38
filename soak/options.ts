import { Command, InvalidArgumentError } from 'commander';
import { newSeed } from './random';
import { PROCESS_FAULTS, ZOOM_FAULTS, type ScheduledFault } from './schedule';

export interface SoakOptions {
  seed: number;
  /** Wall-clock minutes of load and faults (a drain to the last deadline follows). */
  minutes: number;
  /** Simulated time runs this many times faster than the wall clock (1: real time). */
  timeScale: number;
  accounts: number;
  receivers: number;
  workers: number;
  redis: 'sentinel' | 'cluster';
  /** Meeting instances started per wall-clock minute, on average. */
  meetingsPerMinute: number;
  /** How many times each process, Redis and Zoom fault is injected (webhook faults: at least). */
  faultsPerKind: number;
  /** Where the report (HTML, JSON) and the process logs go. */
  out: string;
  /** Simulated minutes a start may take beyond the waits Zoom imposed (its deadline). */
  graceMinutes: number;
  /** Process, Redis and Zoom fault kinds left out of the schedule (`--without`). */
  without: readonly ScheduledFault['kind'][];
  /** Print progress lines. */
  verbose: boolean;
}

export const DEFAULTS: Omit<SoakOptions, 'seed' | 'out'> = {
  minutes: 5,
  timeScale: 60,
  accounts: 3,
  receivers: 2,
  workers: 2,
  redis: 'sentinel',
  meetingsPerMinute: 120,
  faultsPerKind: 2,
  graceMinutes: 30,
  without: [],
  verbose: true,
};

const KINDS: readonly string[] = [...ZOOM_FAULTS, ...PROCESS_FAULTS];
const kinds = (value: string): ScheduledFault['kind'][] => {
  const asked = value.split(',').map((k) => k.trim());
  const unknown = asked.filter((k) => !KINDS.includes(k));
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `unknown fault kind ${unknown.join(', ')}; the kinds are ${KINDS.join(', ')}`,
    );
  return asked as ScheduledFault['kind'][];
};

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};
const whole = (value: string): number => {
  const n = positive(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
};

/** `npm run soak -- [options]`, read into {@link SoakOptions}. */
export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const program = new Command('soak')
    .description('Deploys the service on this machine and runs it through every fault at once')
    .option('--seed <n>', 'random seed (printed; the same seed replays the same plan)', whole)
    .option('--minutes <n>', 'wall-clock minutes of load and faults', positive, DEFAULTS.minutes)
    .option('--time-scale <k>', 'simulated time runs k times faster', positive, DEFAULTS.timeScale)
    .option('--accounts <n>', 'Zoom accounts', whole, DEFAULTS.accounts)
    .option('--receivers <n>', 'receiver processes', whole, DEFAULTS.receivers)
    .option('--workers <n>', 'worker processes', whole, DEFAULTS.workers)
    .option('--redis <mode>', 'sentinel or cluster', DEFAULTS.redis)
    .option(
      '--meetings-per-minute <n>',
      'meeting instances a wall minute',
      positive,
      DEFAULTS.meetingsPerMinute,
    )
    .option('--faults-per-kind <n>', 'injections of each fault kind', whole, DEFAULTS.faultsPerKind)
    .option(
      '--grace-minutes <n>',
      'simulated minutes a start may take beyond Zoom-imposed waits',
      positive,
      DEFAULTS.graceMinutes,
    )
    .option(
      '--without <kinds>',
      'process, Redis and Zoom fault kinds to leave out, comma-separated (e.g. worker_kill,deploy)',
      kinds,
      DEFAULTS.without,
    )
    .option('--out <dir>', 'report and logs directory (default soak/results/<seed>)')
    .option('--quiet', 'no progress lines')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const o = program.opts<Record<string, unknown>>();
  if (o.redis !== 'sentinel' && o.redis !== 'cluster')
    throw new InvalidArgumentError('--redis must be sentinel or cluster');
  const seed = (o.seed as number | undefined) ?? newSeed();
  return {
    seed,
    minutes: o.minutes as number,
    timeScale: o.timeScale as number,
    accounts: o.accounts as number,
    receivers: o.receivers as number,
    workers: o.workers as number,
    redis: o.redis,
    meetingsPerMinute: o.meetingsPerMinute as number,
    faultsPerKind: o.faultsPerKind as number,
    graceMinutes: o.graceMinutes as number,
    without: o.without as ScheduledFault['kind'][],
    out: (o.out as string | undefined) ?? `soak/results/${seed}`,
    verbose: o.quiet !== true,
  };
}
