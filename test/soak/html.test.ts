import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clockLabel, renderHtml } from '../../soak/html';
import type { SoakReport } from '../../soak/report';
import { tickTimes } from '../../soak/svg';

it('labels the time axes with the wall clock and, time-scaled, the simulated day and hour', () => {
  const week = clockLabel(3_600_000, 168); // an hour's run at 168×: a week
  expect(week(0)).toEqual(['0 min', 'day 1 07:00']);
  expect(week(600_000)).toEqual(['10 min', 'day 2 11:00']); // 10 min × 168 = 28 h
  expect(week(3_600_000)).toEqual(['60 min', 'day 8 07:00']);
  expect(clockLabel(90_000, 60)(45_000)).toEqual(['45 s', 'day 1 07:45']);
  expect(clockLabel(1_500_000, 1)(600_000)).toBe('10 min'); // real time: one clock
});

it('draws a kept report again from its JSON as one page without script or outside file', () => {
  const report = JSON.parse(
    readFileSync(join(__dirname, '../../docs/soak/report-20261207.json'), 'utf8'),
  ) as SoakReport;
  const html = renderHtml(report);
  expect(html).toContain('Soak <span style="color:#16a34a">passed</span> — seed 20261207');
  expect(html.includes('day 2 11:00')).toBe(true); // the 10-minute tick at 168×
  expect(html).not.toMatch(/<script|\bsrc=|\bhref=/i);
});

it('puts the time ticks at round times', () => {
  expect(tickTimes(606_000)).toEqual([0, 2, 4, 6, 8, 10].map((m) => m * 60_000));
  expect(tickTimes(3_700_000)).toEqual([0, 15, 30, 45, 60].map((m) => m * 60_000));
  expect(tickTimes(90_000)).toEqual([0, 15, 30, 45, 60, 75, 90].map((s) => s * 1000));
});
