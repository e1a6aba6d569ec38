import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * HTTP basic auth with a constant-time comparison. Both sides are hashed first so the comparison
 * takes the same time whatever the lengths.
 */
export function basicAuth(username: string, password: string, realm: string): RequestHandler {
  const expected = digest(`${username}:${password}`);
  return (req, res, next) => {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    if (match && timingSafeEqual(digest(given), expected)) return next();
    res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    res.status(401).json({ error: 'unauthorized', message: 'credentials required' });
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
