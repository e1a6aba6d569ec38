import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Eta } from 'eta';

/**
 * The console's templates, one Eta file per view in `views/` beside this module (the build copies
 * them into dist/, so ts-jest and the compiled service read the same files). A file `row.eta` is
 * the template `@row`. `<%= %>` escapes (autoEscape); `<%~ %>` is used only to include another
 * template or the chart SVG drawn from numbers. Every value from Zoom or a webhook goes through
 * `<%= %>`.
 */
export const VIEWS_DIR = join(__dirname, 'views');

/** An Eta engine with every view loaded, read once when the console module loads. */
export function loadViews(dir: string = VIEWS_DIR): Eta {
  const eta = new Eta({ autoEscape: true, cache: true, useWith: false });
  const files = readdirSync(dir).filter((f) => f.endsWith('.eta'));
  if (files.length === 0) throw new Error(`no console templates (*.eta) in ${dir}`);
  for (const file of files)
    // One final newline ends each file; it is not part of the view.
    eta.loadTemplate(
      `@${basename(file, '.eta')}`,
      readFileSync(join(dir, file), 'utf8').replace(/\n$/, ''),
    );
  return eta;
}
