import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

/** Why a POST was refused, or `ok`. */
export type CsrfVerdict = 'ok' | 'bad-token' | 'cross-site';

export interface Csrf {
  /** The token of a signed-in user (in the page's meta tag and forms). */
  tokenFor(user: string): string;
  verify(req: Request, user: string): CsrfVerdict;
}

/**
 * Cross-site request protection for the console's POSTs. The token is an HMAC of the signed-in
 * user keyed by `secret` (`CONSOLE_CSRF_SECRET`, else one derived from `ADMIN_PASSWORD`), so every
 * process of a deployment makes and accepts the same token: a load balancer may send each click to
 * any of them. Changing the secret (or the password it is derived from) rotates every token.
 * The browser's own word that the request comes from this origin (`Sec-Fetch-Site`, `Origin`) is
 * checked too.
 */
export function createCsrf(secret: { csrfSecret?: string | undefined; password: string }): Csrf {
  const key =
    secret.csrfSecret ??
    createHmac('sha256', secret.password).update('zlw console csrf key').digest('hex');
  const tokenFor = (user: string): string =>
    createHmac('sha256', key).update(`console csrf token\0${user}`).digest('hex');
  return {
    tokenFor,
    verify(req, user) {
      if (!sameOrigin(req)) return 'cross-site';
      const sent = req.get(CSRF_HEADER) ?? formField(req);
      const given = Buffer.from(typeof sent === 'string' ? sent : '');
      const expected = Buffer.from(tokenFor(user));
      return given.length === expected.length && timingSafeEqual(given, expected)
        ? 'ok'
        : 'bad-token';
    },
  };
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
