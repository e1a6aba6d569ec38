import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Principal } from './console-auth';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

/** Why a POST was refused, or `ok`. */
export type CsrfVerdict = 'ok' | 'bad-token' | 'cross-site';

export interface Csrf {
  /** The token of a signed-in user (in the page's meta tag and forms). */
  tokenFor(user: Pick<Principal, 'name' | 'secret'>): string;
  verify(req: Request, user: Pick<Principal, 'name' | 'secret'>): CsrfVerdict;
}

/**
 * Cross-site request protection for the console's POSTs. The token is an HMAC of the signed-in
 * user's name keyed by `CONSOLE_CSRF_SECRET`, else by a key derived from a secret of that user
 * (the admin's `ADMIN_PASSWORD`, a console user's password hash), so every process of a
 * deployment makes and accepts the same token: a load balancer may send each click to any of
 * them. Each user has their own token; changing the secret (or the password it derives from)
 * rotates it. The browser's own word that the request comes from this origin
 * (`Sec-Fetch-Site`, `Origin`) is checked too.
 */
export function createCsrf(secret: { csrfSecret?: string | undefined }): Csrf {
  const keyOf = (user: Pick<Principal, 'secret'>) =>
    secret.csrfSecret ??
    createHmac('sha256', user.secret).update('zlw console csrf key').digest('hex');
  const tokenFor = (user: Pick<Principal, 'name' | 'secret'>): string =>
    createHmac('sha256', keyOf(user)).update(`console csrf token\0${user.name}`).digest('hex');
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
