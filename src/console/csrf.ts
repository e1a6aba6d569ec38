import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

/**
 * Cross-site request protection for the console's POSTs: a secret token made once per process
 * (in the page's meta tag and forms, sent back as the `X-CSRF-Token` header or `_csrf` field),
 * and the browser's own word that the request comes from this origin (`Sec-Fetch-Site`, `Origin`).
 */
export function createCsrf(): { token: string; check: RequestHandler } {
  const token = randomBytes(32).toString('hex');
  const expected = Buffer.from(token);
  const check: RequestHandler = (req, res, next) => {
    const sent = req.get(CSRF_HEADER) ?? formField(req);
    const given = Buffer.from(typeof sent === 'string' ? sent : '');
    const tokenOk = given.length === expected.length && timingSafeEqual(given, expected);
    if (!tokenOk || !sameOrigin(req)) {
      res.status(403).type('text/plain').send('forbidden: cross-site request or missing token');
      return;
    }
    next();
  };
  return { token, check };
}

function formField(req: Request): unknown {
  const body: unknown = req.body;
  return body && typeof body === 'object'
    ? (body as Record<string, unknown>)[CSRF_FIELD]
    : undefined;
}

/** Refuses what the browser says came from elsewhere; tools that send neither header pass. */
function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.get('origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}
