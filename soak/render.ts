import { readFileSync, writeFileSync } from 'node:fs';
import { renderHtml } from './html';
import type { SoakReport } from './report';

/**
 * `npm run soak:render -- report.json [report.html]`: draws a soak's HTML report again from its
 * JSON (after the report's drawing changed); the page goes beside the JSON unless named.
 */
const [json = '', html = json.replace(/\.json$/, '.html')] = process.argv.slice(2);
if (!json.endsWith('.json') || html === json) {
  console.error('usage: npm run soak:render -- <report.json> [report.html]');
  process.exit(2);
}
writeFileSync(html, renderHtml(JSON.parse(readFileSync(json, 'utf8')) as SoakReport));
console.log(`report: ${html}`);
