import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html';
import type { SoakReport } from './report';

/** Writes `report.json` and `report.html` into `dir`. */
export function writeReport(report: SoakReport, dir: string): { html: string; json: string } {
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(html, renderHtml(report));
  return { html, json };
}
