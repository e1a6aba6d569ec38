import type { InstanceRecord } from './ledger';

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

export const who = (r: InstanceRecord): Pick<Offender, 'meetingId' | 'account' | 'uuid'> => ({
  meetingId: r.plan.meetingId,
  account: r.plan.account,
  uuid: r.plan.uuid,
});

export function verdict(
  name: string,
  title: string,
  checked: number,
  offenders: Offender[],
): Verdict {
  return { name, title, ok: offenders.length === 0, checked, offenders };
}

export const iso = (ms: number) => new Date(ms).toISOString();
