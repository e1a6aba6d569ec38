import { createDriver } from './driver';
import type { Deployment } from './deploy';
import { inject } from './inject';
import { checkInvariants } from './invariants';
import type { Ledger } from './ledger';
import type { SoakOptions } from './options';
import type { Plan } from './plan';
import type { Random } from './random';
import { sample } from './samplers';
import type { ScheduledFault } from './schedule';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PlayInput {
  options: SoakOptions;
  ledger: Ledger;
  world: Deployment;
  plan: Plan;
  faults: ScheduledFault[];
  graceMs: number;
  random: Random;
  say: (line: string) => void;
}

/**
 * Plays the plan and the fault schedule against the deployment: webhooks and faults as they come
 * due, memory sampled every 2 s, the invariants checked every 5 s (each new offender printed with
 * the seed), a progress line every 30 s. Then calms every fault and drains until each live
 * meeting is started or past its deadline.
 */
export async function play(input: PlayInput): Promise<void> {
  const { options, ledger, world, graceMs, say } = input;
  const driver = createDriver({
    plan: input.plan,
    ledger,
    accounts: world.accounts,
    sandbox: world.zoom.sandbox,
    proxyUrl: () => world.proxy.url,
    timeScale: options.timeScale,
    livestreamWaitMs: Math.round(30_000 / options.timeScale),
  });
  const injecting = new Set<Promise<void>>();
  const printed = new Set<string>();
  const faultDeps = {
    ...world,
    ledger,
    chaos: world.zoom.chaos,
    random: input.random,
    log: say,
  };
  const loadEnd = ledger.t0 + options.minutes * 60_000;
  const due = { fault: 0, sample: 0, check: Date.now() + 5000, progress: Date.now() + 30_000 };

  const step = async () => {
    driver.tick();
    world.zoom.sandbox.requests.length = 0;
    const now = Date.now();
    while (due.fault < input.faults.length && ledger.t0 + input.faults[due.fault]!.at <= now) {
      const p = inject(input.faults[due.fault++]!, faultDeps);
      injecting.add(p);
      void p.finally(() => injecting.delete(p));
    }
    if (now >= due.sample) {
      due.sample = now + 2000;
      await sample(ledger, world.fleet, world.redisClient);
    }
    if (now >= due.check) {
      due.check = now + 5000;
      const verdicts = checkInvariants(ledger, {
        now,
        graceMs,
        final: false,
        secretLines: [],
        linesScanned: 0,
      });
      for (const v of verdicts)
        for (const o of v.offenders) {
          const key = `${v.name}/${o.meetingId}/${o.uuid ?? ''}`;
          if (printed.has(key)) continue;
          printed.add(key);
          say(
            `VIOLATION ${v.name} ${o.account}/${o.meetingId}: ${o.detail} (seed ${options.seed})`,
          );
        }
    }
    if (now >= due.progress) {
      due.progress = now + 30_000;
      say(progress(ledger, printed.size));
    }
  };
  while (Date.now() < loadEnd) {
    await step();
    await sleep(50);
  }
  driver.dropAfter(loadEnd);
  world.zoom.chaos.calm();
  say('load over: faults calmed, draining to the last deadline');
  await Promise.all([...injecting]);
  const drainUntil = Date.now() + graceMs * 2;
  const waiting = () =>
    ledger.instances.some(
      (r) =>
        r.liveAtWall !== undefined &&
        r.starts.length === 0 &&
        r.endedAtWall === undefined &&
        r.liveAtWall + r.imposedWaitMs + graceMs > Date.now(),
    );
  while (Date.now() < drainUntil && (waiting() || driver.pending() > 0)) {
    await step();
    await sleep(200);
  }
  await driver.settled();
  await sleep(3000);
  await sample(ledger, world.fleet, world.redisClient);
}

function progress(ledger: Ledger, violations: number): string {
  const live = ledger.instances.filter((r) => r.liveAtWall !== undefined);
  const started = live.filter((r) => r.starts.length > 0).length;
  const last = ledger.samples.at(-1);
  const rss =
    last && last.workers.length > 0 ? Math.max(...last.workers.map((w) => w.rss)) / 1048576 : 0;
  return `${Math.round((Date.now() - ledger.t0) / 1000)} s: ${live.length} live, ${started} started, ${ledger.faults.length} faults, ${violations} violations, Redis ${((last?.redisBytes ?? 0) / 1048576).toFixed(1)} MB, worker RSS max ${rss.toFixed(0)} MB`;
}
