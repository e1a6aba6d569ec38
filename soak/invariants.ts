import { alertsOnce, noPhantomStarts, noSecrets } from './event-invariants';
import type { InstanceRecord, Ledger } from './ledger';
import { iso, verdict, who, type CheckOptions, type Offender, type Verdict } from './verdict';

export type { CheckOptions, Offender, Verdict } from './verdict';

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
    offenders.push({ ...who(r), detail: `${detail}${meanwhile(ledger, r, first ?? o.now)}` });
  }
  return verdict(
    'started_in_time',
    'Every acknowledged or live meeting that did not end started before its deadline',
    checked,
    offenders,
  );
}

/** The faults that overlapped an instance's wait, and the Zoom faults its calls met. */
function meanwhile(ledger: Ledger, r: InstanceRecord, until: number): string {
  const kinds = ledger.faults
    .filter(
      (f) =>
        f.at <= until && f.until >= r.liveAtWall! && (!f.account || f.account === r.plan.account),
    )
    .map((f) => f.kind);
  const met = Object.entries(r.zoomFaults).map(([k, n]) => `${k}×${n}`);
  return `; faults meanwhile: ${[...new Set(kinds)].join(', ') || 'none'}; its calls met: ${met.join(', ') || 'none'}; Zoom-imposed wait ${r.imposedWaitMs} ms`;
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
