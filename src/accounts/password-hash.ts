import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

interface Cost {
  N: number;
  r: number;
  p: number;
}

/**
 * scrypt's cost for new hashes: N = 2^15, r = 8, p = 1: 32 MiB and 0.1 to 0.4 s per check, so a
 * burst of wrong passwords cannot exhaust the service's memory. A hash keeps its own cost.
 */
export const SCRYPT_COST = { N: 32_768, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** The largest cost a hash may ask for: a file cannot make one sign-in take minutes. */
const MAX_N = 1_048_576;

const derive = (password: string, salt: Buffer, cost: Cost, bytes: number) =>
  new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      bytes,
      { ...cost, maxmem: 256 * cost.N * cost.r + 1_048_576 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });

/** `scrypt$N$r$p$salt$hash` (salt and hash in base64url): what a console user's `password_hash` holds. */
export async function hashPassword(password: string, cost: Cost = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost, KEY_BYTES);
  return [
    'scrypt',
    cost.N,
    cost.r,
    cost.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** Whether `password` is the one `hash` was made from (constant-time); a malformed hash never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const valid = Number.isInteger(N) && N > 1 && N <= MAX_N && (N & (N - 1)) === 0;
  if (!valid || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16)
    return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || expected.length < 16) return false;
  const key = await derive(password, salt, { N, r, p }, expected.length);
  return timingSafeEqual(key, expected);
}
