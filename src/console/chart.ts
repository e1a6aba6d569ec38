import type { HourBucket } from '../status/hourly';

const W = 600;
const H = 100;
const TOP = 20;
const BOTTOM = 18;
const LEFT = 4;

interface Bar {
  at: number;
  parts: { value: number; cls: string }[];
  title: string;
}

/**
 * The last 24 hours as two small inline SVG bar charts, drawn on the server from our own data:
 * streams started (and starts failed) per hour, and the median time from the start being queued
 * to Zoom accepting it. Hour labels carry their UTC time; the page's script shows them locally.
 */
export function renderCharts(hours: readonly HourBucket[]): string {
  const starts = chart(
    'Streams started per hour, last 24 h',
    hours.map((h) => ({
      at: h.at,
      parts: [
        { value: h.started, cls: 'bar-started' },
        { value: h.failed, cls: 'bar-failed' },
      ],
      title: `${hourLabel(h.at)} UTC: ${h.started} started, ${h.failed} failed`,
    })),
    (max) => `${max}`,
  );
  const times = chart(
    'Time to stream (median), last 24 h',
    hours.map((h) => ({
      at: h.at,
      parts: [{ value: (h.medianToStreamMs ?? 0) / 1000, cls: 'bar-time' }],
      title:
        h.medianToStreamMs === undefined
          ? `${hourLabel(h.at)} UTC: no stream started`
          : `${hourLabel(h.at)} UTC: median ${seconds(h.medianToStreamMs / 1000)}`,
    })),
    seconds,
  );
  return `<div class="charts">${starts}${times}</div>`;
}

function chart(label: string, bars: readonly Bar[], scale: (max: number) => string): string {
  const total = (b: Bar) => b.parts.reduce((sum, p) => sum + p.value, 0);
  const max = Math.max(1, ...bars.map(total));
  const step = (W - LEFT) / bars.length;
  const plot = H - TOP - BOTTOM;
  const shapes = bars.map((b, i) => {
    const x = LEFT + i * step;
    let y = H - BOTTOM;
    const rects = b.parts
      .filter((p) => p.value > 0)
      .map((p) => {
        const h = Math.max(1, (p.value / max) * plot);
        y -= h;
        return `<rect class="${p.cls}" x="${f(x + 1)}" y="${f(y)}" width="${f(step - 2)}" height="${f(h)}"/>`;
      });
    const hit = `<rect class="bar-hit" x="${f(x)}" y="${TOP}" width="${f(step)}" height="${plot}"><title>${b.title}</title></rect>`;
    const tick =
      i % 6 === 0
        ? `<text class="hour" x="${f(x + 1)}" y="${H - 4}" data-hour="${new Date(b.at).toISOString()}">${hourLabel(b.at)}</text>`
        : '';
    return rects.join('') + hit + tick;
  });
  return `<figure class="chart"><figcaption>${label}</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}">
<line class="axis" x1="${LEFT}" x2="${W}" y1="${H - BOTTOM}" y2="${H - BOTTOM}"/>
<text class="scale" x="${W - 2}" y="${TOP - 3}" text-anchor="end">max ${scale(max)}</text>
${shapes.join('\n')}
</svg></figure>`;
}

const f = (n: number) => n.toFixed(1);
const hourLabel = (at: number) => new Date(at).toISOString().slice(11, 16);

/** "45 s", "3 min 20 s", "1 h 05 min". */
export function seconds(s: number): string {
  const r = Math.round(s);
  if (r < 60) return `${r} s`;
  if (r < 3600) return `${Math.floor(r / 60)} min ${String(r % 60).padStart(2, '0')} s`;
  return `${Math.floor(r / 3600)} h ${String(Math.floor((r % 3600) / 60)).padStart(2, '0')} min`;
}
