import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanLogs } from '../../soak/logs';
import { planMeetings, WEBHOOK_FATES, type PlanShape } from '../../soak/plan';
import { seededRandom } from '../../soak/random';
import {
  ACCOUNT_429_FLOOR_MS,
  scheduleFaults,
  PROCESS_FAULTS,
  ZOOM_FAULTS,
} from '../../soak/schedule';

const HOUR = 3_600_000;
const shape: PlanShape = {
  accounts: ['campus', 'north', 'south'],
  durationMs: 10 * 60_000,
  timeScale: 60,
  meetingsPerMinute: 100,
  minPerFault: 5,
};

it('replays: the same seed gives the same meetings and faults, another seed other ones', () => {
  const a = planMeetings(shape, seededRandom(42));
  expect(planMeetings(shape, seededRandom(42))).toEqual(a);
  expect(planMeetings(shape, seededRandom(43)).instances[0]).not.toEqual(a.instances[0]);
  const faults = { ...shape, perKind: 5, zoomTimeoutMs: 2000 };
  expect(scheduleFaults(faults, seededRandom(7))).toEqual(scheduleFaults(faults, seededRandom(7)));
});

it("has a day's shape: starts clustered at the top of the hour, recurring ids with new uuids, webinars, every webhook fault at least the minimum", () => {
  const { instances, phantoms } = planMeetings(shape, seededRandom(42));
  expect(instances.length).toBeGreaterThan(900);
  const simMinute = (ms: number) => ((ms * shape.timeScale) % HOUR) / 60_000;
  const atTop = instances.filter((i) => simMinute(i.liveAt) < 5).length;
  expect(atTop / instances.length).toBeGreaterThan(0.5);
  for (const fate of WEBHOOK_FATES)
    expect(instances.filter((i) => i.fate === fate).length).toBeGreaterThanOrEqual(5);
  expect(instances.filter((i) => i.fate === 'lost').every((i) => i.kind === 'meeting')).toBe(true);
  expect(instances.some((i) => i.kind === 'webinar')).toBe(true);
  const recurring = instances.filter((i) => i.recurring);
  expect(recurring.length).toBeGreaterThan(10);
  for (const r of recurring) {
    const earlier = instances.filter((i) => i.meetingId === r.meetingId && i.liveAt < r.liveAt);
    expect(earlier.length).toBeGreaterThan(0);
    expect(earlier.every((e) => e.endAt < r.liveAt && e.uuid !== r.uuid)).toBe(true);
  }
  expect(phantoms.filter((p) => p.fault === 'bad_signature').length).toBeGreaterThanOrEqual(5);
  expect(phantoms.filter((p) => p.fault === 'foreign_account').length).toBeGreaterThanOrEqual(5);
});

it('schedules every process, Redis and Zoom fault the asked number of times, spread over the run', () => {
  const faults = scheduleFaults({ ...shape, perKind: 5, zoomTimeoutMs: 2000 }, seededRandom(9));
  for (const kind of [...ZOOM_FAULTS, ...PROCESS_FAULTS])
    expect(faults.filter((f) => f.kind === kind)).toHaveLength(5);
  expect(Math.max(...faults.map((f) => f.at))).toBeLessThan(0.85 * shape.durationMs);
  const slow = faults.filter((f) => f.kind === 'slow');
  expect(slow.every((f) => (f.delayMs ?? 0) < 2000)).toBe(true);
  // At 168× an account-level 429 of 1–3 simulated minutes would last under a second of wall time.
  const perAccount = scheduleFaults(
    { ...shape, timeScale: 168, perKind: 5, zoomTimeoutMs: 2000 },
    seededRandom(9),
  );
  const windows = perAccount.filter((f) => f.kind === 'account_429').map((f) => f.durationMs);
  expect(Math.min(...windows)).toBeGreaterThanOrEqual(ACCOUNT_429_FLOOR_MS);
  const kept = scheduleFaults(
    { ...shape, perKind: 5, zoomTimeoutMs: 2000, without: ['worker_kill', 'deploy'] },
    seededRandom(9),
  );
  expect(kept.some((f) => f.kind === 'worker_kill' || f.kind === 'deploy')).toBe(false);
  expect(kept.filter((f) => f.kind === 'master_kill')).toHaveLength(5);
});

it('finds secrets and issued tokens in log lines, redacted, and collects the lines of given meetings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'soak-logs-'));
  const file = join(dir, 'worker-0.1.log');
  writeFileSync(
    file,
    [
      '{"msg":"zoom access token fetched"}',
      '{"msg":"oops","detail":"client-secret-abc123"}',
      '{"msg":"bearer sandbox.0123456789abcdef0123456789abcdef"}',
      '{"meetingId":"81000000001","msg":"livestream start accepted\u001b[31m"}',
      '{"meetingId":"81000000002","msg":"other"}',
    ].join('\n'),
  );
  const scan = scanLogs([file], ['client-secret-abc123'], new Set(['81000000001']));
  expect(scan.lines).toBe(5);
  expect(scan.secretLines).toEqual([
    { file: 'worker-0.1.log', line: '{"msg":"oops","detail":"[secret]"}' },
    { file: 'worker-0.1.log', line: '{"msg":"bearer [token]"}' },
  ]);
  expect(scan.byMeeting.get('81000000001')).toEqual([
    'worker-0.1.log: {"meetingId":"81000000001","msg":"livestream start accepted"}',
  ]);
  expect(scan.byMeeting.has('81000000002')).toBe(false);
});
