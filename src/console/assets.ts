import type { Router } from 'express';
import { CONSOLE_CSS } from './console-css';
import { CONSOLE_JS } from './console-script';

/** The console's assets, all from this service: htmx and Pico from node_modules, ours inline. */
export function serveAssets(router: Router, path: string): void {
  const files: Record<string, string> = {
    'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
    'pico.min.css': require.resolve('@picocss/pico/css/pico.min.css'),
  };
  for (const [name, file] of Object.entries(files))
    router.get(`${path}/${name}`, (_req, res) => {
      res.sendFile(file, { maxAge: '1h' });
    });
  const own: Record<string, [string, string]> = {
    'console.css': ['css', CONSOLE_CSS],
    'console.js': ['js', CONSOLE_JS],
  };
  for (const [name, [type, text]] of Object.entries(own))
    router.get(`${path}/${name}`, (_req, res) => {
      res.type(type).set('Cache-Control', 'max-age=300').send(text);
    });
}
