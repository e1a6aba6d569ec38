import { FIRST_HOUR } from './plan';
import type { SoakReport } from './report';
import { barChart, esc, lineChart, timeline, type TimeLabel, type TimelineRow } from './svg';

/** A number of the report as text (a report drawn again may come from any JSON). */
const num = (v: unknown): string => String(Number(v));
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const ms = (n: number | undefined) => (n === undefined ? '–' : `${Math.round(n)} ms`);
const table = (rows: [string, string | number][]) =>
  `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`).join('')}</table>`;

const HOUR = 3_600_000;
const two = (n: number) => String(n).padStart(2, '0');

/**
 * The time axes' ticks: the wall clock since the load began (minutes in runs of 10 minutes or
 * more) and, in a time-scaled run, the simulated day and hour under it.
 */
export function clockLabel(wallMs: number, timeScale: number): TimeLabel {
  return (ms) => {
    const wall =
      wallMs >= 600_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
    if (timeScale === 1) return wall;
    const simulated = FIRST_HOUR * HOUR + ms * timeScale;
    const day = Math.floor(simulated / (24 * HOUR)) + 1;
    const minute = Math.floor((simulated % (24 * HOUR)) / 60_000);
    return [wall, `day ${day} ${two(Math.floor(minute / 60))}:${two(minute % 60)}`];
  };
}

/** `--without …` of the replay command (reports before the option have none). */
const without = (r: SoakReport): string => {
  const kinds: readonly string[] = (r.options as Partial<SoakReport['options']>).without ?? [];
  return kinds.length > 0 ? ` --without ${esc(kinds.join(','))}` : '';
};

/** The longest-lived workers: a leak shows in one process living long, not in the mean. */
function lives(r: SoakReport): string {
  if (!r.workerLives?.length) return '';
  const items = r.workerLives.map(
    (l) =>
      `<li>pid ${l.pid}: ${((l.to - l.from) / 60_000).toFixed(1)} min, ${mb(l.fromBytes)} → ${mb(l.toBytes)}; second half of its life ${l.laterSlopeBytesPerMin === undefined ? '–' : `${(l.laterSlopeBytesPerMin / 1024).toFixed(0)} KiB/min`}</li>`,
  );
  return `<p>Longest-lived worker processes (deploys and kills replace the others):</p><ul>${items.join('')}</ul>`;
}

function faultRows(r: SoakReport): TimelineRow[] {
  const rows = new Map<string, TimelineRow>();
  const row = (label: string) =>
    rows.get(label) ?? rows.set(label, { label, spans: [] }).get(label)!;
  for (const f of r.timeline)
    row(f.kind).spans.push({
      from: f.from,
      to: f.to,
      title: `${f.kind}${f.account ? ` (${f.account})` : ''}${f.detail ? `: ${f.detail}` : ''}`,
    });
  const tick = r.wallMs / 400;
  for (const t of r.webhookTicks)
    row(`webhook ${t.fault}`).spans.push({ from: t.at, to: t.at + tick, title: t.fault });
  return [...rows.values()];
}

function verdicts(r: SoakReport): string {
  return r.verdicts
    .map((v) => {
      const notes =
        v.notes && Object.keys(v.notes).length > 0
          ? ` — explained: ${Object.entries(v.notes)
              .map(([k, n]) => `${k} ${n}`)
              .join(', ')}`
          : '';
      const offenders = v.shown
        .map(
          (o) =>
            `<details><summary>${esc(o.account)} / ${esc(o.meetingId)}: ${esc(o.detail)}</summary><pre>${esc(o.lines.join('\n') || '(no log line names this meeting)')}</pre></details>`,
        )
        .join('');
      const more =
        v.offenders.length > v.shown.length
          ? `<p>… and ${v.offenders.length - v.shown.length} more (JSON report)</p>`
          : '';
      return `<section class="verdict ${v.ok ? 'ok' : 'broken'}"><h3>${v.ok ? '✔' : '✘'} ${esc(v.title)}</h3><p>${v.checked} checked, ${v.offenders.length} broke it${esc(notes)}</p>${offenders}${more}</section>`;
    })
    .join('');
}

/** The report as one self-contained HTML page: inline SVG charts, no script, no external file. */
export function renderHtml(r: SoakReport): string {
  const x = (i: number) => (i + 0.5) * r.buckets.sizeMs;
  const rate = r.buckets.answers.map((n, i): [number, number] => [
    x(i),
    n === 0 ? 0 : (100 * r.buckets.unavailable[i]!) / n,
  ]);
  const ttsSeries = (['p50', 'p95', 'p99'] as const).map((q) => ({
    name: q,
    points: r.buckets.tts.flatMap((b, i): [number, number][] =>
      b[q] === undefined ? [] : [[x(i), b[q]]],
    ),
  }));
  const mem = (pick: (m: SoakReport['memory'][number]) => number | undefined) =>
    r.memory.flatMap((m): [number, number][] => (pick(m) === undefined ? [] : [[m.at, pick(m)!]]));
  const at = clockLabel(r.wallMs, r.options.timeScale);
  const slope = (n: number | undefined) =>
    n === undefined ? '–' : `${(n / 1024).toFixed(1)} KiB/min`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Soak ${num(r.seed)}</title>
<style>body{font:14px system-ui,sans-serif;max-width:960px;margin:2em auto;color:#111}svg{width:100%;font:11px system-ui}
table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}
.verdict{border-left:6px solid #16a34a;padding:2px 12px;margin:8px 0}.broken{border-color:#dc2626;background:#fef2f2}
pre{white-space:pre-wrap;font-size:11px;background:#f9fafb;padding:6px}.big{font-size:28px;font-weight:600}</style></head><body>
<h1>Soak ${r.ok ? '<span style="color:#16a34a">passed</span>' : '<span style="color:#dc2626">FAILED</span>'} — seed ${num(r.seed)}</h1>
<p class="big">${num(r.counts.instances)} meeting instances · ${num(r.options.accounts)} accounts · ${(r.wallMs / 60000).toFixed(1)} min wall · ${r.simulatedDays.toFixed(2)} simulated days</p>
<p>Replay: <code>npm run soak -- --seed ${num(r.seed)} --minutes ${num(r.options.minutes)} --time-scale ${num(r.options.timeScale)} --accounts ${num(r.options.accounts)} --receivers ${num(r.options.receivers)} --workers ${num(r.options.workers)} --redis ${esc(r.options.redis)} --meetings-per-minute ${num(r.options.meetingsPerMinute)} --faults-per-kind ${num(r.options.faultsPerKind)}${without(r)}</code>. Started ${esc(r.startedAt)}.</p>
<h2>Invariants</h2>${verdicts(r)}
<h2>Faults over time</h2>${timeline(faultRows(r), r.wallMs, at)}
<h2>Streams started per ${Math.round(r.buckets.sizeMs / 1000)} s</h2>${barChart(r.buckets.starts, r.buckets.sizeMs, at)}
<h2>Time to stream, minus the waits Zoom imposed</h2>
<p>p50 ${ms(r.timeToStreamMs.p50)} · p95 ${ms(r.timeToStreamMs.p95)} · p99 ${ms(r.timeToStreamMs.p99)} · max ${ms(r.timeToStreamMs.max)} (wall clock, from the moment Zoom had the meeting live; ${r.timeToStreamMs.count} instances)</p>
${lineChart(ttsSeries, r.wallMs, (n) => `${Math.round(n)} ms`, at)}
<h3>By account</h3><table><tr><th>account</th><th>instances</th><th>started</th><th>Zoom faults met</th><th>p50</th><th>p99</th></tr>${r.perAccount.map((a) => `<tr><td>${esc(a.account)}</td><td>${a.instances}</td><td>${a.started}</td><td>${a.zoomFaults}</td><td>${ms(a.p50)}</td><td>${ms(a.p99)}</td></tr>`).join('')}</table>
<h2>Webhooks answered 502/503 or not at all</h2><p>${(100 * r.rate503).toFixed(2)} % of ${r.counts.deliveries} deliveries</p>
${lineChart([{ name: '% of deliveries', points: rate }], r.wallMs, (n) => `${n.toFixed(1)} %`, at)}
<h2>Memory</h2><p>Redis used memory slope ${slope(r.slopes.redisBytesPerMin)} · worker RSS (mean) slope ${slope(r.slopes.workerRssBytesPerMin)}</p>${lives(r)}
${lineChart([{ name: 'Redis used_memory', points: mem((m) => m.redisBytes) }], r.wallMs, mb, at)}
${lineChart(
  [
    { name: 'worker RSS, max', points: mem((m) => m.workerRssMax) },
    { name: 'worker RSS, mean', points: mem((m) => m.workerRssMean) },
  ],
  r.wallMs,
  mb,
  at,
)}
<h2>Counts</h2>${table(Object.entries(r.counts))}
<h3>Webhook faults (instances)</h3>${table(Object.entries(r.webhookFaults))}
<h3>Zoom faults made by the sandbox (calls)</h3>${table(Object.entries(r.zoomFaults))}
<h3>Injected faults (times)</h3>${table(Object.entries(r.injected))}
<h3>Zoom answers by status</h3>${table(Object.entries(r.zoomAnswers))}
</body></html>
`;
}
