import type { Router } from 'express';
import { CONSOLE_CSS } from './console-css';

/** The console's assets, all from this service: htmx and Pico from node_modules, and our CSS. */
export function serveAssets(router: Router, path: string): void {
  const files: Record<string, string> = {
    'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
    'pico.min.css': require.resolve('@picocss/pico/css/pico.min.css'),
  };
  for (const [name, file] of Object.entries(files))
    router.get(`${path}/${name}`, (_req, res) => {
      res.sendFile(file, { maxAge: '1h' });
    });
  router.get(`${path}/console.css`, (_req, res) => {
    res.type('css').set('Cache-Control', 'max-age=3600').send(CONSOLE_CSS);
  });
}
