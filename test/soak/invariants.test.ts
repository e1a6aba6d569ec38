import { checkInvariants, type CheckOptions, type Verdict } from '../../soak/invariants';
import { Ledger, type InstanceRecord } from '../../soak/ledger';
import type { Fate, PlannedInstance } from '../../soak/plan';

const T0 = 1_800_000_000_000;
let n = 0;

function instance(ledger: Ledger, fate: Fate = 'normal', extra: Partial<PlannedInstance> = {}) {
  const r = ledger.add({
    account: 'campus',
    kind: 'meeting',
    meetingId: String(81_000_000_000 + ++n),
    uuid: `uuid-${n}==`,
    topic: 'Soak',
    liveAt: 0,
    endAt: 60_000,
    fate,
    redeliverAfter: 5000,
    recurring: false,
    ...extra,
  });
  r.liveAtWall = T0;
  return r;
}

const options = (o: Partial<CheckOptions> = {}): CheckOptions => ({
  now: T0 + 100_000,
  graceMs: 10_000,
  final: true,
  secretLines: [],
  linesScanned: 10,
  ...o,
});
const byName = (verdicts: Verdict[], name: string) => verdicts.find((v) => v.name === name)!;
const offenders = (ledger: Ledger, name: string, o: Partial<CheckOptions> = {}) =>
  byName(checkInvariants(ledger, options(o)), name).offenders.map((x) => x.meetingId);

describe('started_in_time', () => {
  it('names a live meeting never started once its deadline (grace plus Zoom-imposed waits) has passed, not before', () => {
    const ledger = new Ledger(T0);
    const lost = instance(ledger, 'lost');
    const waited = instance(ledger);
    waited.imposedWaitMs = 30_000;
    waited.starts.push(T0 + 35_000);
    const onTime = instance(ledger);
    onTime.starts.push(T0 + 9_000);
    expect(offenders(ledger, 'started_in_time', { now: T0 + 9_000 })).toEqual([]);
    expect(offenders(ledger, 'started_in_time')).toEqual([lost.plan.meetingId]);
  });

  it('names a start after the deadline; excuses a meeting that ended first and those that must not start', () => {
    const ledger = new Ledger(T0);
    const late = instance(ledger);
    late.starts.push(T0 + 20_000);
    const endedFirst = instance(ledger);
    endedFirst.endedAtWall = T0 + 5_000;
    instance(ledger, 'ended_before');
    instance(ledger, 'ended_during');
    const webinarLost = instance(ledger, 'normal', { kind: 'webinar' });
    expect(offenders(ledger, 'started_in_time')).toEqual([late.plan.meetingId]);
    webinarLost.ackAt = T0 + 10;
    expect(offenders(ledger, 'started_in_time')).toEqual([
      late.plan.meetingId,
      webinarLost.plan.meetingId,
    ]);
  });
});

describe('once_per_window', () => {
  it('explains a repeat after a lost answer, a worker kill or a failover, and names one with none', () => {
    const ledger = new Ledger(T0);
    const repeat = (r: InstanceRecord, first: number, again: number) => r.starts.push(first, again);
    const lost = instance(ledger);
    repeat(lost, T0 + 1000, T0 + 3000);
    lost.lostAnswers.push(T0 + 1000);
    const killed = instance(ledger);
    repeat(killed, T0 + 20_000, T0 + 25_000);
    ledger.faults.push({ kind: 'worker_kill', at: T0 + 21_000, until: T0 + 22_000 });
    const failover = instance(ledger);
    repeat(failover, T0 + 40_000, T0 + 45_000);
    ledger.faults.push({ kind: 'master_kill', at: T0 + 41_000, until: T0 + 44_000 });
    const silent = instance(ledger);
    repeat(silent, T0 + 60_000, T0 + 70_000);
    const verdict = byName(checkInvariants(ledger, options()), 'once_per_window');
    expect(verdict.offenders.map((o) => o.meetingId)).toEqual([silent.plan.meetingId]);
    expect(verdict.notes).toEqual({ answer_lost: 1, worker_killed: 1, redis_failover: 1 });
  });
});

it('names a start that reached Zoom after meeting.ended was acknowledged, not one before', () => {
  const ledger = new Ledger(T0);
  const before = instance(ledger, 'ended_during');
  before.starts.push(T0 + 100);
  before.endedAckAt = T0 + 200;
  const after = instance(ledger, 'ended_during');
  after.endedAckAt = T0 + 200;
  after.starts.push(T0 + 250);
  expect(offenders(ledger, 'none_after_ended')).toEqual([after.plan.meetingId]);
});

it('names any start of a bad-signature or foreign-account event, and of a meeting never live', () => {
  const ledger = new Ledger(T0);
  const phantom = (fault: 'bad_signature' | 'foreign_account', id: string) =>
    ledger.addPhantom({ account: 'campus', meetingId: id, uuid: `${id}==`, at: 0, fault });
  phantom('bad_signature', '89000000000');
  phantom('foreign_account', '89000000001');
  expect(offenders(ledger, 'no_phantom_starts')).toEqual([]);
  ledger.onStarted('89000000001', T0 + 5);
  ledger.onStarted('81999999999', T0 + 5);
  expect(offenders(ledger, 'no_phantom_starts')).toEqual(['89000000001', '81999999999']);
});

it('names every log line holding a secret', () => {
  const ledger = new Ledger(T0);
  const secretLines = [{ file: 'worker-0.1.log', line: '{"msg":"[secret]"}' }];
  const verdict = byName(checkInvariants(ledger, options({ secretLines })), 'no_secrets');
  expect(verdict).toMatchObject({
    ok: false,
    offenders: [{ detail: 'worker-0.1.log: {"msg":"[secret]"}' }],
  });
});

describe('alerts_once', () => {
  it('names an instance alerted twice for one type, and a swept meeting without its webhook_missed alert', () => {
    const ledger = new Ledger(T0);
    const twice = instance(ledger);
    const swept = instance(ledger, 'lost');
    swept.starts.push(T0 + 2000);
    const sweptOnce = instance(ledger, 'lost');
    sweptOnce.starts.push(T0 + 2000);
    const alert = (r: InstanceRecord, type: string) =>
      ledger.alerts.push({ at: T0 + 3000, type, meetingId: r.plan.meetingId, jobId: 'j' });
    alert(twice, 'zoom_unavailable');
    alert(twice, 'zoom_unavailable');
    alert(sweptOnce, 'webhook_missed');
    expect(offenders(ledger, 'alerts_once', { final: false })).toEqual([twice.plan.meetingId]);
    expect(offenders(ledger, 'alerts_once')).toEqual([twice.plan.meetingId, swept.plan.meetingId]);
  });
});
