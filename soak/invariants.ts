import type { InstanceRecord, Ledger } from './ledger';

/** One instance (or event) that broke an invariant, with what the soak saw. */
export interface Offender {
  meetingId: string;
  account: string;
  uuid?: string;
  detail: string;
}

export interface Verdict {
  name: string;
  title: string;
  ok: boolean;
  /** How many instances, events or lines the invariant looked at. */
  checked: number;
  offenders: Offender[];
  /** What the invariant counted beside its offenders (explained repeats, by cause). */
  notes?: Record<string, number>;
}

export interface CheckOptions {
  /** The time of the check: deadlines after it are not yet due. */
  now: number;
  /** How long a start may take beyond the waits Zoom imposed, from the moment Zoom had it live. */
  graceMs: number;
  /** True at the end of the run: alerts must have arrived by then. */
  final: boolean;
  /** Log lines that held a secret, by file (found by the log scan). */
  secretLines: { file: string; line: string }[];
  linesScanned: number;
}

const who = (r: InstanceRecord): Pick<Offender, 'meetingId' | 'account' | 'uuid'> => ({
  meetingId: r.plan.meetingId,
  account: r.plan.account,
  uuid: r.plan.uuid,
});

const MUST_NOT_START = new Set(['ended_before', 'ended_during']);

/** Every acknowledged or live meeting that did not end is started before its deadline. */
function startedInTime(ledger: Ledger, o: CheckOptions): Verdict {
  const offenders: Offender[] = [];
  let checked = 0;
  for (const r of ledger.instances) {
    if (r.liveAtWall === undefined || MUST_NOT_START.has(r.plan.fate)) continue;
    // A webinar whose webhook never arrived is invisible to the sweep (it lists meetings).
    if (r.plan.kind === 'webinar' && r.ackAt === undefined) continue;
    const deadline = r.liveAtWall + r.imposedWaitMs + o.graceMs;
    const first = r.starts[0];
    if (first !== undefined && first <= deadline) {
      checked++;
      continue;
    }
    const endedFirst = r.endedAtWall !== undefined && r.endedAtWall <= (first ?? deadline);
    if (endedFirst || (first === undefined && o.now < deadline)) continue;
    checked++;
    const detail =
      first === undefined
        ? `never started (live at Zoom since ${iso(r.liveAtWall)}, fate ${r.plan.fate}, acknowledged: ${r.ackAt !== undefined ? iso(r.ackAt) : 'never'}; deadline ${iso(deadline)})`
        : `started ${first - deadline} ms after its deadline ${iso(deadline)} (fate ${r.plan.fate})`;
    offenders.push({ ...who(r), detail });
  }
  return verdict(
    'started_in_time',
    'Every acknowledged or live meeting that did not end started before its deadline',
    checked,
    offenders,
  );
}

/** Exactly one start per instance; a repeat is explained by an answer lost after Zoom acted. */
function oncePerWindow(ledger: Ledger): Verdict {
  const offenders: Offender[] = [];
  const notes: Record<string, number> = {};
  let checked = 0;
  const kills = ledger.faults.filter((f) => f.kind === 'worker_kill' || f.kind === 'deploy');
  const redis = ledger.faults.filter((f) => f.kind === 'master_kill' || f.kind === 'redis_pause');
  const during = (faults: typeof kills, from: number, to: number) =>
    faults.find((f) => f.at <= to && f.until >= from);
  for (const r of ledger.instances) {
    if (r.starts.length === 0) continue;
    checked++;
    const first = r.starts[0]!;
    for (const repeat of r.starts.slice(1)) {
      const lost = r.lostAnswers.some((t) => t >= first - 50 && t <= repeat);
      const killed = during(kills, first - 5000, repeat);
      const failover = during(redis, first - 5000, repeat);
      const cause = lost
        ? 'answer_lost'
        : killed
          ? 'worker_killed'
          : failover
            ? 'redis_failover'
            : undefined;
      if (cause) notes[cause] = (notes[cause] ?? 0) + 1;
      else
        offenders.push({
          ...who(r),
          detail: `started again ${repeat - first} ms after its first start (${iso(first)}) with no lost answer, worker kill or failover in between (fate ${r.plan.fate})`,
        });
    }
  }
  return {
    ...verdict(
      'once_per_window',
      'Started exactly once per start window (repeats explained)',
      checked,
      offenders,
    ),
    notes,
  };
}

/** No start reached Zoom after the instance's `*.ended` webhook was acknowledged. */
function noneAfterEnded(ledger: Ledger): Verdict {
  const offenders: Offender[] = [];
  let checked = 0;
  for (const r of ledger.instances) {
    if (r.endedAckAt === undefined) continue;
    checked++;
    const late = r.starts.filter((s) => s > r.endedAckAt!);
    if (late.length > 0)
      offenders.push({
        ...who(r),
        detail: `${late.length} start(s) ${late.map((s) => s - r.endedAckAt!).join(', ')} ms after meeting.ended was acknowledged (fate ${r.plan.fate})`,
      });
  }
  return verdict('none_after_ended', 'Never a start after meeting.ended', checked, offenders);
}

/** Unsigned and foreign-account events start nothing; nothing starts that was never live. */
function noPhantomStarts(ledger: Ledger): Verdict {
  const offenders: Offender[] = [];
  for (const p of ledger.phantoms.values())
    if (p.starts.length > 0)
      offenders.push({
        meetingId: p.plan.meetingId,
        account: p.plan.account,
        uuid: p.plan.uuid,
        detail: `${p.plan.fault} event (answered ${p.status ?? 'nothing'}) started a stream ${p.starts.length} time(s)`,
      });
  for (const s of ledger.strayStarts)
    offenders.push({
      meetingId: s.meetingId,
      account: '?',
      detail: `started at ${iso(s.at)} though never live at Zoom`,
    });
  return verdict(
    'no_phantom_starts',
    'No start for an unsigned or foreign-account event',
    ledger.phantoms.size,
    offenders,
  );
}

/** One alert of a type per instance; each meeting the sweep found got its webhook_missed once. */
function alertsOnce(ledger: Ledger, o: CheckOptions): Verdict {
  const offenders: Offender[] = [];
  const perInstance = new Map<InstanceRecord, Map<string, number>>();
  for (const a of ledger.alerts) {
    const r = ledger.instanceAt(a.meetingId, a.at);
    if (!r) continue;
    const counts = perInstance.get(r) ?? new Map<string, number>();
    counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
    perInstance.set(r, counts);
  }
  for (const [r, counts] of perInstance)
    for (const [type, n] of counts)
      if (n > 1) offenders.push({ ...who(r), detail: `${n} ${type} alerts` });
  let checked = perInstance.size;
  if (o.final)
    for (const r of ledger.instances) {
      if (r.plan.fate !== 'lost' || r.starts.length === 0) continue;
      checked++;
      const n = perInstance.get(r)?.get('webhook_missed') ?? 0;
      if (n !== 1)
        offenders.push({
          ...who(r),
          detail: `webhook lost, sweep started it: ${n} webhook_missed alerts, expected 1`,
        });
    }
  return verdict('alerts_once', 'The alerts that should fire fired once', checked, offenders);
}

function noSecrets(o: CheckOptions): Verdict {
  const offenders = o.secretLines.map((s) => ({
    meetingId: '-',
    account: '-',
    detail: `${s.file}: ${s.line}`,
  }));
  return verdict('no_secrets', 'No secret in any log line', o.linesScanned, offenders);
}

function verdict(name: string, title: string, checked: number, offenders: Offender[]): Verdict {
  return { name, title, ok: offenders.length === 0, checked, offenders };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Every invariant of the soak over what the ledger holds now. */
export function checkInvariants(ledger: Ledger, o: CheckOptions): Verdict[] {
  return [
    startedInTime(ledger, o),
    oncePerWindow(ledger),
    noneAfterEnded(ledger),
    noPhantomStarts(ledger),
    noSecrets(o),
    alertsOnce(ledger, o),
  ];
}
