import type { InstanceRecord, Ledger } from './ledger';
import { iso, verdict, who, type CheckOptions, type Offender, type Verdict } from './verdict';

/** Unsigned and foreign-account events start nothing; nothing starts that was never live. */
export function noPhantomStarts(ledger: Ledger): Verdict {
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
export function alertsOnce(ledger: Ledger, o: CheckOptions): Verdict {
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

export function noSecrets(o: CheckOptions): Verdict {
  const offenders = o.secretLines.map((s) => ({
    meetingId: '-',
    account: '-',
    detail: `${s.file}: ${s.line}`,
  }));
  return verdict('no_secrets', 'No secret in any log line', o.linesScanned, offenders);
}
