import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { ConsoleUser } from '../accounts/account-types';
import { verifyPassword } from '../accounts/password-hash';

/** Who is signed in to the console, and which accounts' meetings they see and act on. */
export interface Principal {
  name: string;
  /** `all`: every account (the admin, or a user of `accounts: all`). */
  accounts: readonly string[] | 'all';
  admin: boolean;
  /** What this user's CSRF key derives from without `CONSOLE_CSRF_SECRET`: a secret of theirs. */
  secret: string;
}

export interface SignIn {
  /** `ADMIN_USERNAME` / `ADMIN_PASSWORD`: sees everything. */
  admin: { username: string; password: string } | undefined;
  /** The accounts file's `console_users` in force (read at each request: a reload applies at once). */
  users: () => readonly ConsoleUser[];
  now?: () => number;
}

/** How long a verified user's credentials are taken without a new scrypt (htmx polls every 2 s). */
export const VERIFIED_FOR_MS = 60_000;
const CACHE_MAX = 1000;
/**
 * Password checks (scrypt, 32 MiB each) running at once at most; more sign-ins at the same moment
 * get 429 at once, so a flood of wrong passwords cannot take the process's memory and threads.
 */
export const MAX_CONCURRENT_CHECKS = 4;
/** Checked when the name is no user's, so a wrong name costs the same time as a wrong password. */
const DUMMY_HASH = `scrypt$32768$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`;

/**
 * Basic auth for the admin (constant-time compare, as before) and for the file's console users
 * (scrypt, constant-time). A user's verified credentials are remembered for
 * {@link VERIFIED_FOR_MS} under an HMAC with a key of this process (never the password itself),
 * tied to the user's hash in force, so each poll costs one HMAC, and a changed hash or removed
 * user is asked again at once. Concurrent checks of one credential share one scrypt.
 */
export function consoleAuth(signIn: SignIn, realm: string): RequestHandler {
  const now = signIn.now ?? Date.now;
  const cacheKey = randomBytes(32);
  const verified = new Map<string, { hash: string; until: number }>();
  const pending = new Map<string, Promise<boolean>>();
  const adminDigest = signIn.admin && digest(`${signIn.admin.username}:${signIn.admin.password}`);

  const checkUser = async (user: ConsoleUser | undefined, name: string, password: string) => {
    const key = createHmac('sha256', cacheKey).update(`${name}\0${password}`).digest('hex');
    const known = verified.get(key);
    if (user && known && known.hash === user.passwordHash && known.until > now()) return true;
    const hash = user?.passwordHash ?? DUMMY_HASH;
    let check = pending.get(key);
    if (!check) {
      if (pending.size >= MAX_CONCURRENT_CHECKS) return 'busy';
      check = verifyPassword(password, hash).finally(() => pending.delete(key));
      pending.set(key, check);
    }
    const ok = (await check) && user !== undefined;
    if (ok) remember(verified, key, { hash, until: now() + VERIFIED_FOR_MS });
    return ok;
  };

  return async (req, res, next) => {
    const given = credentials(req.headers.authorization);
    if (
      given &&
      adminDigest &&
      timingSafeEqual(digest(`${given.name}:${given.password}`), adminDigest)
    ) {
      res.locals.principal = {
        name: given.name,
        accounts: 'all',
        admin: true,
        secret: signIn.admin!.password,
      } satisfies Principal;
      return next();
    }
    const users = signIn.users();
    const user = given && users.find((u) => u.username === given.name);
    // Without console users there is no hash to check: a wrong admin password costs no scrypt.
    const checked =
      given && users.length > 0 && (await checkUser(user, given.name, given.password));
    if (checked === 'busy') {
      res.set('Retry-After', '1');
      res.status(429).json({ error: 'busy', message: 'too many sign-ins at once; try again' });
      return;
    }
    if (checked) {
      res.locals.principal = {
        name: user!.username,
        accounts: user!.accounts,
        admin: false,
        secret: user!.passwordHash,
      } satisfies Principal;
      return next();
    }
    res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    res.status(401).json({ error: 'unauthorized', message: 'credentials required' });
  };
}

/** The principal {@link consoleAuth} let through. */
export const principalOf = (res: Response): Principal => res.locals.principal as Principal;

function credentials(authorization: string | undefined) {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization ?? '');
  if (!match) return undefined;
  const text = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { name: text.slice(0, colon), password: text.slice(colon + 1) };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  // The oldest entry goes first: a flood of distinct credentials cannot grow it without bound.
  if (map.size > CACHE_MAX) map.delete(map.keys().next().value!);
}
