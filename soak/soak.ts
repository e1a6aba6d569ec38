import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { accountSecrets } from './accounts';
import { deploy } from './deploy';
import { checkInvariants, type Verdict } from './invariants';
import { Ledger } from './ledger';
import { scanLogs } from './logs';
import type { SoakOptions } from './options';
import { planMeetings } from './plan';
import { play } from './play';
import { seededRandom } from './random';
import { buildReport, type SoakReport } from './report';
import { scheduleFaults } from './schedule';
import { graceMs, ZOOM_TIMEOUT_MS } from './service-env';
import { writeReport } from './write-report';

export interface SoakResult {
  ok: boolean;
  verdicts: Verdict[];
  report: SoakReport;
  /** The HTML and JSON report files. */
  files: { html: string; json: string };
}

/**
 * One soak: deploys the whole service on this machine, plays a day's shape of meetings and the
 * fault schedule from `options.seed`, checks the invariants as it goes and at the end (with the
 * process logs: secrets, the lines of each offending meeting) and writes the report.
 */
export async function runSoak(
  options: SoakOptions,
  say: (line: string) => void,
): Promise<SoakResult> {
  const dir = resolve(options.out);
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(options.seed);
  const ledger = new Ledger(Date.now());
  const world = await deploy(options, dir, ledger, random);
  try {
    const names = world.accounts.map((a) => a.name);
    const durationMs = options.minutes * 60_000;
    const shape = { accounts: names, durationMs, timeScale: options.timeScale };
    const plan = planMeetings(
      {
        ...shape,
        meetingsPerMinute: options.meetingsPerMinute,
        minPerFault: options.faultsPerKind,
      },
      random.fork('plan'),
    );
    const faults = scheduleFaults(
      {
        ...shape,
        perKind: options.faultsPerKind,
        zoomTimeoutMs: ZOOM_TIMEOUT_MS,
        without: options.without,
      },
      random.fork('faults'),
    );
    say(
      `soak seed ${options.seed}: ${plan.instances.length} instances, ${names.length} accounts, ${faults.length} scheduled faults, ${options.minutes} min at time scale ${options.timeScale}`,
    );
    const grace = graceMs(options);
    ledger.t0 = Date.now();
    await play({
      options,
      ledger,
      world,
      plan,
      faults,
      graceMs: grace,
      random: random.fork('inject'),
      say,
    });
    const loadEnd = ledger.t0 + durationMs;
    await world.fleet.stop();
    const offenders = checkInvariants(ledger, {
      now: Date.now(),
      graceMs: grace,
      final: true,
      secretLines: [],
      linesScanned: 0,
    });
    const ids = new Set(offenders.flatMap((v) => v.offenders.map((o) => o.meetingId)));
    const secrets = [...accountSecrets(world.accounts), ...world.redis.secrets];
    const scan = scanLogs(world.fleet.logFiles(), secrets, ids);
    const verdicts = checkInvariants(ledger, {
      now: Date.now(),
      graceMs: grace,
      final: true,
      secretLines: scan.secretLines,
      linesScanned: scan.lines,
    });
    const report = buildReport({
      options,
      ledger,
      verdicts,
      scan,
      zoomStatus: world.zoom.statusCounts,
      loadEnd,
      graceMs: grace,
    });
    writeFileSync(
      join(dir, 'instances.jsonl'),
      ledger.instances.map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    const files = writeReport(report, dir);
    return { ok: verdicts.every((v) => v.ok), verdicts, report, files };
  } finally {
    await world.close();
  }
}
