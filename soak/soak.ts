import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { accountsEnv, accountSecrets, makeAccounts } from './accounts';
import { startAlertSink } from './alert-sink';
import { createDriver } from './driver';
import { startFleet } from './fleet';
import { inject } from './inject';
import { checkInvariants, type Verdict } from './invariants';
import { Ledger } from './ledger';
import { scanLogs } from './logs';
import type { SoakOptions } from './options';
import { planMeetings } from './plan';
import { startSoakProxy } from './proxy';
import { seededRandom } from './random';
import { buildReport, type SoakReport } from './report';
import { sample } from './samplers';
import { scheduleFaults } from './schedule';
import { graceMs, serviceEnv, ZOOM_TIMEOUT_MS } from './service-env';
import { startSoakCluster, startSoakSentinel } from './topology';
import { startSoakZoom } from './zoom';
import { writeReport } from './write-report';

export interface SoakResult {
  ok: boolean;
  verdicts: Verdict[];
  report: SoakReport;
  /** The HTML and JSON report files. */
  files: { html: string; json: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One soak: deploys Redis (Sentinel or Cluster), the sandbox Zoom in chaos mode, receivers behind
 * a load balancer and workers as real processes; plays the plan of meetings and the fault
 * schedule from `options.seed`; checks the invariants as it goes and at the end; writes the report.
 */
export async function runSoak(
  options: SoakOptions,
  say: (line: string) => void,
): Promise<SoakResult> {
  const dir = resolve(options.out);
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(options.seed);
  const accounts = makeAccounts(options.accounts, random.fork('accounts'));
  const ledger = new Ledger(Date.now());
  const redis =
    options.redis === 'cluster'
      ? await startSoakCluster()
      : await startSoakSentinel(join(dir, 'redis'));
  const cleanup: (() => Promise<unknown>)[] = [() => redis.stop()];
  try {
    const zoom = await startSoakZoom(accounts, ledger, options.timeScale, random.fork('zoom'));
    cleanup.unshift(() => zoom.sandbox.close());
    const sink = await startAlertSink(ledger);
    cleanup.unshift(() => sink.close());
    const proxy = await startSoakProxy();
    cleanup.unshift(() => proxy.close());
    const env = {
      ...serviceEnv(options),
      ...redis.env,
      ...accountsEnv(accounts, dir),
      ZOOM_API_BASE_URL: zoom.sandbox.apiBaseUrl,
      ZOOM_OAUTH_TOKEN_URL: zoom.sandbox.oauthTokenUrl,
      ALERT_WEBHOOK_URL: sink.url,
    };
    const fleet = await startFleet(options, env, join(dir, 'logs'));
    cleanup.unshift(() => fleet.stop());
    fleet.onReceivers((urls) => proxy.setUpstreams(urls));
    proxy.setUpstreams(fleet.receivers().map((r) => r.url));
    const redisClient = redis.client();
    redisClient.on('error', () => undefined);
    cleanup.unshift(() => Promise.resolve(redisClient.disconnect()));

    const durationMs = options.minutes * 60_000;
    const accountNames = accounts.map((a) => a.name);
    const minPerFault = options.faultsPerKind;
    const plan = planMeetings(
      {
        accounts: accountNames,
        durationMs,
        timeScale: options.timeScale,
        meetingsPerMinute: options.meetingsPerMinute,
        minPerFault,
      },
      random.fork('plan'),
    );
    const faults = scheduleFaults(
      {
        accounts: accountNames,
        durationMs,
        timeScale: options.timeScale,
        perKind: options.faultsPerKind,
        zoomTimeoutMs: ZOOM_TIMEOUT_MS,
      },
      random.fork('faults'),
    );
    say(
      `soak seed ${options.seed}: ${plan.instances.length} instances, ${accounts.length} accounts, ${faults.length} scheduled faults, ${options.minutes} min at time scale ${options.timeScale}`,
    );
    ledger.t0 = Date.now();
    const driver = createDriver({
      plan,
      ledger,
      accounts,
      sandbox: zoom.sandbox,
      proxyUrl: () => proxy.url,
      timeScale: options.timeScale,
      livestreamWaitMs: Math.round(30_000 / options.timeScale),
    });
    const grace = graceMs(options);
    const injecting = new Set<Promise<void>>();
    const printed = new Set<string>();
    const faultDeps = {
      ledger,
      chaos: zoom.chaos,
      sandbox: zoom.sandbox,
      fleet,
      redis,
      random: random.fork('inject'),
      log: say,
    };
    const loadEnd = ledger.t0 + durationMs;
    let nextFault = 0;
    let nextSample = 0;
    let nextCheck = Date.now() + 5000;
    const check = (final: boolean) =>
      checkInvariants(ledger, {
        now: Date.now(),
        graceMs: grace,
        final,
        secretLines: [],
        linesScanned: 0,
      });

    const step = async () => {
      driver.tick();
      zoom.sandbox.requests.length = 0;
      while (nextFault < faults.length && ledger.t0 + faults[nextFault]!.at <= Date.now()) {
        const p = inject(faults[nextFault++]!, faultDeps);
        injecting.add(p);
        void p.finally(() => injecting.delete(p));
      }
      if (Date.now() >= nextSample) {
        nextSample = Date.now() + 2000;
        await sample(ledger, fleet, redisClient);
      }
      if (Date.now() >= nextCheck) {
        nextCheck = Date.now() + 5000;
        for (const v of check(false))
          for (const o of v.offenders) {
            const key = `${v.name}/${o.meetingId}/${o.uuid ?? ''}`;
            if (printed.has(key)) continue;
            printed.add(key);
            say(
              `VIOLATION ${v.name} ${o.account}/${o.meetingId}: ${o.detail} (seed ${options.seed})`,
            );
          }
      }
    };
    while (Date.now() < loadEnd) {
      await step();
      await sleep(50);
    }
    driver.dropAfter(loadEnd);
    zoom.chaos.calm();
    say('load over: faults calmed, draining to the last deadline');
    await Promise.all([...injecting]);
    const drainUntil = Date.now() + grace * 2;
    const pending = () =>
      ledger.instances.some(
        (r) =>
          r.liveAtWall !== undefined &&
          r.starts.length === 0 &&
          r.endedAtWall === undefined &&
          r.liveAtWall + r.imposedWaitMs + grace > Date.now(),
      );
    while (Date.now() < drainUntil && (pending() || driver.pending() > 0)) {
      await step();
      await sleep(200);
    }
    await driver.settled();
    await sleep(3000);
    await sample(ledger, fleet, redisClient);
    await fleet.stop();

    const offenders = check(true).flatMap((v) => v.offenders.map((o) => o.meetingId));
    const scan = scanLogs(
      fleet.logFiles(),
      [...accountSecrets(accounts), ...redis.secrets],
      new Set(offenders),
    );
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
      zoomStatus: zoom.statusCounts,
      loadEnd,
      graceMs: grace,
    });
    const files = writeReport(report, dir);
    return { ok: verdicts.every((v) => v.ok), verdicts, report, files };
  } finally {
    for (const c of cleanup) await c().catch(() => undefined);
  }
}
