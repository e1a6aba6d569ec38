import type { Random } from './random';

/** What happens to an instance's webhooks. */
export type Fate =
  'normal' | 'duplicate' | 'lost' | 'late' | 'lost_then_late' | 'ended_before' | 'ended_during';

export const WEBHOOK_FATES: readonly Fate[] = [
  'duplicate',
  'lost',
  'late',
  'lost_then_late',
  'ended_before',
  'ended_during',
];

/** One meeting or webinar instance of the plan; times are wall ms from the run's start. */
export interface PlannedInstance {
  account: string;
  kind: 'meeting' | 'webinar';
  meetingId: string;
  uuid: string;
  topic: string;
  liveAt: number;
  endAt: number;
  fate: Fate;
  /** `late`, `lost_then_late`: when Zoom redelivers, after the first delivery (5, 20 or 60 min). */
  redeliverAfter: number;
  recurring: boolean;
}

/** A signed-looking event that must never start anything: a bad signature or a foreign account. */
export interface PhantomEvent {
  account: string;
  meetingId: string;
  uuid: string;
  at: number;
  fault: 'bad_signature' | 'foreign_account';
}

export interface Plan {
  instances: PlannedInstance[];
  phantoms: PhantomEvent[];
}

export interface PlanShape {
  accounts: readonly string[];
  /** Wall ms of load. */
  durationMs: number;
  timeScale: number;
  meetingsPerMinute: number;
  /** At least this many of each webhook fault. */
  minPerFault: number;
}

/** The share of meetings starting in each hour of a working day (00–23). */
const HOUR_WEIGHT = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1, 3, 4, 3, 3, 1.5, 3, 4, 3, 2.5, 1.5, 1, 1, 1, 0.8, 0.4, 0.2,
];
/** The simulated day starts at 07:00, so that even a short run meets the morning's peak. */
export const FIRST_HOUR = 7;
const MINUTE = 60_000;

/** Where in its hour a meeting starts: most right at the top, some at half past, a few anywhere. */
function offsetInHour(random: Random): number {
  const r = random();
  if (r < 0.65) return Math.min(59, -Math.log(1 - random()) * 1.2) * MINUTE;
  if (r < 0.85) return (30 + random.between(-2, 2)) * MINUTE;
  return random.between(0, 60) * MINUTE;
}

/** How long a meeting lasts, in simulated minutes: short, standard or long. */
function durationMinutes(random: Random): number {
  const r = random();
  if (r < 0.35) return random.between(10, 30);
  if (r < 0.85) return random.between(40, 90);
  return random.between(120, 240);
}

const uuidOf = (random: Random): string => {
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) bytes[i] = random.int(0, 255);
  return bytes.toString('base64');
};

/** Meeting numbers: 11 digits, a block of 100 million per account; phantoms in their own block. */
export const meetingNumber = (accountIndex: number, n: number): string =>
  String(81_000_000_000 + accountIndex * 100_000_000 + n);
export const PHANTOM_BASE = 89_000_000_000;

function pickFate(random: Random, kind: PlannedInstance['kind']): Fate {
  const r = random();
  if (r < 0.05) return 'duplicate';
  if (r < 0.08 && kind === 'meeting') return 'lost';
  if (r < 0.11) return 'late';
  if (r < 0.13 && kind === 'meeting') return 'lost_then_late';
  if (r < 0.15) return 'ended_before';
  if (r < 0.17) return 'ended_during';
  return 'normal';
}

/**
 * A day's shape of meetings over the run, in simulated time (`timeScale` × the wall clock):
 * starts clustered at the top of the hour, short, standard and long meetings, recurring meetings
 * reusing their id with a new uuid, one in ten a webinar, and the webhook faults spread over
 * them (each at least `minPerFault` times), plus phantom events that must never start anything.
 */
export function planMeetings(shape: PlanShape, random: Random): Plan {
  const simMs = shape.durationMs * shape.timeScale;
  const total = Math.round((shape.meetingsPerMinute * shape.durationMs) / MINUTE);
  const hours = Math.ceil(simMs / (60 * MINUTE));
  const weights = Array.from({ length: hours }, (_, h) => HOUR_WEIGHT[(FIRST_HOUR + h) % 24]!);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const counters = shape.accounts.map(() => 0);
  const pools = shape.accounts.map(() => [] as { id: string; freeAt: number }[]);
  const instances: PlannedInstance[] = [];
  weights.forEach((weight, hour) => {
    const count = Math.round((total * weight) / weightSum);
    for (let i = 0; i < count; i++) {
      const simStart = hour * 60 * MINUTE + offsetInHour(random);
      if (simStart >= simMs) continue;
      const a = random.int(0, shape.accounts.length - 1);
      const kind = random.chance(0.1) ? 'webinar' : 'meeting';
      const liveAt = simStart / shape.timeScale;
      const endAt = liveAt + (durationMinutes(random) * MINUTE) / shape.timeScale;
      const pool = pools[a]!;
      const reuse = random.chance(0.3) ? pool.find((p) => p.freeAt < liveAt) : undefined;
      const meetingId = reuse?.id ?? meetingNumber(a, ++counters[a]!);
      if (reuse) reuse.freeAt = Infinity;
      const fate = pickFate(random, kind);
      instances.push({
        account: shape.accounts[a]!,
        kind,
        meetingId,
        uuid: uuidOf(random),
        topic: `Soak ${kind} ${meetingId}`,
        liveAt,
        endAt,
        fate,
        redeliverAfter: (random.pick([5, 20, 60]) * MINUTE) / shape.timeScale,
        recurring: reuse !== undefined,
      });
      if (reuse) reuse.freeAt = endAt;
      else if (kind === 'meeting' && pool.length < 30) pool.push({ id: meetingId, freeAt: endAt });
    }
  });
  instances.sort((x, y) => x.liveAt - y.liveAt);
  ensureEachFate(instances, shape.minPerFault, random);
  return { instances, phantoms: phantoms(shape, random) };
}

/** Gives each webhook fault to at least `min` instances (meetings only where the sweep must find them). */
function ensureEachFate(instances: PlannedInstance[], min: number, random: Random): void {
  for (const fate of WEBHOOK_FATES) {
    const needsMeeting = fate === 'lost' || fate === 'lost_then_late';
    let missing = min - instances.filter((i) => i.fate === fate).length;
    const spare = instances.filter(
      (i) => i.fate === 'normal' && (!needsMeeting || i.kind === 'meeting'),
    );
    while (missing-- > 0 && spare.length > 0)
      spare.splice(random.int(0, spare.length - 1), 1)[0]!.fate = fate;
  }
}

function phantoms(shape: PlanShape, random: Random): PhantomEvent[] {
  const count = Math.max(shape.minPerFault, Math.round(shape.durationMs / MINUTE));
  const list: PhantomEvent[] = [];
  for (let n = 0; n < count * 2; n++)
    list.push({
      account: random.pick(shape.accounts),
      meetingId: String(PHANTOM_BASE + n),
      uuid: uuidOf(random),
      at: random.between(0.05, 0.9) * shape.durationMs,
      fault: n % 2 === 0 ? 'bad_signature' : 'foreign_account',
    });
  return list.sort((x, y) => x.at - y.at);
}
