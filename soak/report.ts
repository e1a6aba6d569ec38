import type { FaultRecord, Ledger } from './ledger';
import type { Verdict } from './invariants';
import type { LogScan } from './logs';
import type { SoakOptions } from './options';
import { perAccount, type AccountFigures } from './per-account';
import { bucketize, percentile, slope } from './stats';
import { workerLives, type WorkerLife } from './worker-lives';

export interface ReportVerdict extends Verdict {
  /** The first offenders with the log lines that name their meeting. */
  shown: { meetingId: string; account: string; detail: string; lines: string[] }[];
}

export interface SoakReport {
  seed: number;
  /** How it ran (without `out`: where a report was written says nothing of the run). */
  options: Omit<SoakOptions, 'out'>;
  startedAt: string;
  wallMs: number;
  simulatedDays: number;
  counts: Record<string, number>;
  webhookFaults: Record<string, number>;
  zoomFaults: Record<string, number>;
  injected: Record<string, number>;
  zoomAnswers: Record<string, number>;
  timeline: (Omit<FaultRecord, 'at' | 'until'> & { from: number; to: number })[];
  /** When each instance with a webhook fault (or a phantom event) went live. */
  webhookTicks: { fault: string; at: number }[];
  buckets: {
    sizeMs: number;
    starts: number[];
    answers: number[];
    unavailable: number[];
    /** Time-to-stream percentiles of the instances first started in each bucket (ms). */
    tts: { p50?: number; p95?: number; p99?: number }[];
  };
  perAccount: AccountFigures[];
  timeToStreamMs: { count: number; p50?: number; p95?: number; p99?: number; max?: number };
  rate503: number;
  memory: { at: number; redisBytes?: number; workerRssMax?: number; workerRssMean?: number }[];
  slopes: { redisBytesPerMin?: number; workerRssBytesPerMin?: number };
  /** The longest-lived worker processes and how their memory went (absent in older reports). */
  workerLives?: WorkerLife[];
  verdicts: ReportVerdict[];
  ok: boolean;
}

export interface ReportInput {
  options: SoakOptions;
  ledger: Ledger;
  verdicts: Verdict[];
  scan: LogScan;
  zoomStatus: Map<number, number>;
  loadEnd: number;
  graceMs: number;
}

const countBy = <T>(items: readonly T[], key: (t: T) => string) => {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
};

const withoutOut = ({ out: _, ...rest }: SoakOptions): Omit<SoakOptions, 'out'> => rest;

/** The soak's figures and verdicts, times relative to the start of the load (ms). */

export function buildReport(input: ReportInput): SoakReport {
  const { ledger, options } = input;
  const t0 = ledger.t0;
  const end = Math.max(Date.now(), input.loadEnd);
  const wallMs = end - t0;
  const count = Math.min(120, Math.max(10, Math.ceil(wallMs / 10_000)));
  const sizeMs = Math.ceil(wallMs / count);
  const instances = ledger.instances.filter((r) => r.liveAtWall !== undefined);
  const firstStarts = instances.flatMap((r) => r.starts.slice(0, 1));
  const started = instances.filter((r) => r.starts.length > 0);
  const ttsOf = (r: (typeof started)[number]) =>
    Math.max(0, Math.round(r.starts[0]! - r.liveAtWall! - r.imposedWaitMs));
  const tts = started.map(ttsOf);
  const ttsBuckets = Array.from({ length: count }, (_, i) => {
    const inBucket = started
      .filter((r) => Math.floor((r.starts[0]! - t0) / sizeMs) === i)
      .map(ttsOf);
    return defined({
      p50: percentile(inBucket, 50),
      p95: percentile(inBucket, 95),
      p99: percentile(inBucket, 99),
    });
  });
  const unavailable = ledger.answers.filter(
    (a) => a.status === 503 || a.status === 0 || a.status === 502,
  );
  const memory = ledger.samples.map((s) => ({
    at: s.at - t0,
    ...(s.redisBytes !== undefined && { redisBytes: s.redisBytes }),
    ...(s.workers.length > 0 && {
      workerRssMax: Math.max(...s.workers.map((w) => w.rss)),
      workerRssMean: s.workers.reduce((a, w) => a + w.rss, 0) / s.workers.length,
    }),
  }));
  const perMin = (pick: (m: (typeof memory)[number]) => number | undefined) =>
    slope(
      memory.flatMap((m) => (pick(m) === undefined ? [] : [{ x: m.at / 60_000, y: pick(m)! }])),
    );
  return {
    seed: options.seed,
    options: withoutOut(options),
    startedAt: new Date(t0).toISOString(),
    wallMs,
    simulatedDays: (options.minutes * options.timeScale) / (24 * 60),
    counts: {
      instances: instances.length,
      meetings: instances.filter((r) => r.plan.kind === 'meeting').length,
      webinars: instances.filter((r) => r.plan.kind === 'webinar').length,
      recurring: instances.filter((r) => r.plan.recurring).length,
      accounts: options.accounts,
      deliveries: ledger.answers.length,
      acknowledged: instances.filter((r) => r.ackAt !== undefined).length,
      started: instances.filter((r) => r.starts.length > 0).length,
      starts: instances.reduce((s, r) => s + r.starts.length, 0),
      alerts: ledger.alerts.length,
      logLines: input.scan.lines,
    },
    webhookFaults: {
      ...countBy(
        instances.filter((r) => r.plan.fate !== 'normal'),
        (r) => r.plan.fate,
      ),
      ...countBy([...ledger.phantoms.values()], (p) => p.plan.fault),
    },
    zoomFaults: { ...ledger.zoomFaultCounts },
    injected: countBy(ledger.faults, (f) => f.kind),
    zoomAnswers: Object.fromEntries([...input.zoomStatus].map(([k, v]) => [String(k), v])),
    timeline: ledger.faults.map(({ at, until, ...rest }) => ({
      ...rest,
      from: at - t0,
      to: until - t0,
    })),
    webhookTicks: [
      ...instances
        .filter((r) => r.plan.fate !== 'normal')
        .map((r) => ({ fault: r.plan.fate, at: r.liveAtWall! - t0 })),
      ...[...ledger.phantoms.values()].map((p) => ({ fault: p.plan.fault, at: p.plan.at })),
    ],
    buckets: {
      sizeMs,
      tts: ttsBuckets,
      starts: bucketize(firstStarts, t0, sizeMs, count),
      answers: bucketize(
        ledger.answers.map((a) => a.at),
        t0,
        sizeMs,
        count,
      ),
      unavailable: bucketize(
        unavailable.map((a) => a.at),
        t0,
        sizeMs,
        count,
      ),
    },
    perAccount: perAccount(ledger),
    timeToStreamMs: {
      count: tts.length,
      ...defined({
        p50: percentile(tts, 50),
        p95: percentile(tts, 95),
        p99: percentile(tts, 99),
        max: percentile(tts, 100),
      }),
    },
    rate503: ledger.answers.length === 0 ? 0 : unavailable.length / ledger.answers.length,
    memory,
    workerLives: workerLives(ledger.samples, t0).slice(0, 3),
    slopes: defined({
      redisBytesPerMin: perMin((m) => m.redisBytes),
      workerRssBytesPerMin: perMin((m) => m.workerRssMean),
    }),
    verdicts: input.verdicts.map((v) => ({
      ...v,
      shown: v.offenders
        .slice(0, 25)
        .map((o) => ({ ...o, lines: input.scan.byMeeting.get(o.meetingId) ?? [] })),
    })),
    ok: input.verdicts.every((v) => v.ok),
  };
}

function defined<T extends Record<string, number | undefined>>(o: T): { [K in keyof T]?: number } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: number;
  };
}
