/** Escapes text for HTML and SVG. */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const W = 900;
const PAD = { left: 70, right: 40, top: 14, bottom: 38 };
export const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];

export interface Series {
  name: string;
  points: [number, number][];
  color?: string;
}

/** What a tick of the time axis says: one line, or two (the wall clock, then the simulated one). */
export type TimeLabel = (ms: number) => string | [string, string];
const seconds: TimeLabel = (ms) => `${Math.round(ms / 1000)} s`;

const STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map(
  (s) => s * 1000,
);

/** Where the time axis has its ticks: at round multiples, at most seven. */
export function tickTimes(xMax: number): number[] {
  const step = STEPS_MS.find((s) => xMax / s <= 6) ?? Math.ceil(xMax / 6);
  return Array.from({ length: Math.floor(xMax / step) + 1 }, (_, i) => i * step);
}

function tick(x: number, y: number, label: string | [string, string]): string {
  const [first, second] = typeof label === 'string' ? [label, undefined] : label;
  const under =
    second === undefined ? '' : `<tspan x="${x}" dy="13" fill="#6b7280">${esc(second)}</tspan>`;
  return `<text x="${x}" y="${y}" text-anchor="middle">${esc(first)}${under}</text>`;
}

function axes(
  height: number,
  xMax: number,
  yMax: number,
  yFormat: (n: number) => string,
  xLabel: TimeLabel,
): string {
  const innerW = W - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + innerH - (innerH * i) / 4;
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`,
    );
    parts.push(
      `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${esc(yFormat((yMax * i) / 4))}</text>`,
    );
  }
  for (const t of tickTimes(xMax))
    parts.push(tick(PAD.left + (innerW * t) / Math.max(1, xMax), height - 22, xLabel(t)));
  return parts.join('');
}

/** Lines over time (x in ms from the start), one per series, with a legend. */
export function lineChart(
  series: Series[],
  xMax: number,
  yFormat: (n: number) => string,
  xLabel: TimeLabel = seconds,
  height = 230,
): string {
  const all = series.flatMap((s) => s.points.map((p) => p[1]));
  const yMax = (Math.max(0, ...all) || 1) * 1.1; // all zero: an axis up to 1, not 0 … 0
  const innerW = W - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom;
  const px = (x: number) => PAD.left + (innerW * x) / Math.max(1, xMax);
  const py = (y: number) => PAD.top + innerH - (innerH * y) / yMax;
  const lines = series.map((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length]!;
    const d = s.points
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`)
      .join('');
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"/>`;
  });
  const legend = series.map((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length]!;
    return `<tspan fill="${color}">■ ${esc(s.name)}</tspan>`;
  });
  return `<svg viewBox="0 0 ${W} ${height + 16}" role="img">${axes(height, xMax, yMax, yFormat, xLabel)}${lines.join('')}<text x="${PAD.left}" y="${height + 12}">${legend.join('  ')}</text></svg>`;
}

/** One bar per bucket (counts over time). */
export function barChart(
  values: number[],
  sizeMs: number,
  xLabel: TimeLabel = seconds,
  color = COLORS[0]!,
  height = 210,
): string {
  const yMax = Math.max(1, ...values) * 1.1;
  const innerW = W - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom;
  const bw = innerW / Math.max(1, values.length);
  const bars = values.map((v, i) => {
    const h = (innerH * v) / yMax;
    return `<rect x="${(PAD.left + i * bw).toFixed(1)}" y="${(PAD.top + innerH - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${v}</title></rect>`;
  });
  return `<svg viewBox="0 0 ${W} ${height}" role="img">${axes(height, sizeMs * values.length, yMax, (n) => String(Math.round(n)), xLabel)}${bars.join('')}</svg>`;
}

export interface TimelineRow {
  label: string;
  spans: { from: number; to: number; title: string }[];
}

/** One row per fault kind: a bar for each time it was on (at least a tick wide). */
export function timeline(rows: TimelineRow[], xMax: number, xLabel: TimeLabel = seconds): string {
  const rowH = 18;
  const height = PAD.top + rows.length * rowH + PAD.bottom;
  const left = 170;
  const innerW = W - left - PAD.right;
  const px = (x: number) => left + (innerW * x) / Math.max(1, xMax);
  const body = rows.map((row, i) => {
    const y = PAD.top + i * rowH;
    const color = COLORS[i % COLORS.length]!;
    const spans = row.spans.map(
      (s) =>
        `<rect x="${px(s.from).toFixed(1)}" y="${y + 3}" width="${Math.max(2, px(s.to) - px(s.from)).toFixed(1)}" height="${rowH - 6}" fill="${color}" opacity="0.75"><title>${esc(s.title)}</title></rect>`,
    );
    return `<text x="${left - 6}" y="${y + rowH - 5}" text-anchor="end">${esc(row.label)}</text>${spans.join('')}`;
  });
  const ticks = tickTimes(xMax).map((t) => tick(px(t), height - 22, xLabel(t)));
  return `<svg viewBox="0 0 ${W} ${height}" role="img">${body.join('')}${ticks.join('')}</svg>`;
}
