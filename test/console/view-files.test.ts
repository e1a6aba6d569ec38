import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadViews, VIEWS_DIR } from '../../src/console/view-files';
import { renderFlash } from '../../src/console/views';

describe('the console views', () => {
  it('are one template file per view, each loaded under its name', () => {
    const files = readdirSync(VIEWS_DIR).filter((f) => f.endsWith('.eta'));
    expect(files).toEqual(expect.arrayContaining(['layout.eta', 'list.eta', 'detail.eta']));
    const eta = loadViews();
    for (const file of files) expect(eta.templatesSync.get(`@${file.slice(0, -4)}`)).toBeDefined();
  });

  it('say which folder holds no templates instead of rendering empty pages', () => {
    const empty = mkdtempSync(join(tmpdir(), 'zlw-views-'));
    expect(() => loadViews(empty)).toThrow(`no console templates (*.eta) in ${empty}`);
  });

  it('escape what they show: a message with markup stays text', () => {
    const html = renderFlash(false, '<img src=x onerror=alert(1)>', 0, 409);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    // One final newline ends the file, not the view.
    expect(html.endsWith('</article>')).toBe(true);
  });
});
