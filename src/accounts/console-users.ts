import type { Account, ConsoleUser } from './account-types';
import { duplicates } from './account-fields';

const SCRYPT_HASH = /^scrypt\$\d+\$\d+\$\d+\$[\w-]{16,}\$[\w-]{32,}$/;

/** The `console_users:` of the file: who may sign in to the console, and see which accounts. */
export function readConsoleUsers(
  raw: unknown,
  accounts: readonly Account[],
  problems: string[],
): ConsoleUser[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push('console_users: must be a list');
    return [];
  }
  const names = new Set(accounts.map((a) => a.name));
  const users: ConsoleUser[] = [];
  raw.forEach((u: unknown, i) => {
    const label = `console_users[${i}]`;
    const user = (u ?? {}) as Record<string, unknown>;
    const username = typeof user.username === 'string' ? user.username : '';
    if (!/^[^:\s]{1,200}$/.test(username))
      problems.push(`${label}.username: 1-200 characters, no spaces or ":"`);
    const hash = typeof user.password_hash === 'string' ? user.password_hash : '';
    if (!SCRYPT_HASH.test(hash))
      problems.push(
        `${label}.password_hash: must be an scrypt hash (make one with \`zoom-livestream-worker hash-password\`), never a password`,
      );
    const list = user.accounts;
    const allowed =
      list === 'all'
        ? 'all'
        : Array.isArray(list) && list.length > 0 && list.every((a) => typeof a === 'string')
          ? list
          : undefined;
    if (!allowed) problems.push(`${label}.accounts: must be "all" or a list of account names`);
    else if (allowed !== 'all')
      for (const a of allowed.filter((a) => !names.has(a)))
        problems.push(`${label}.accounts: "${a}" is not an account of this file`);
    if (allowed) users.push({ username, passwordHash: hash, accounts: allowed });
  });
  problems.push(
    ...duplicates(
      users.map((u) => u.username),
      'console username',
    ).map((p) => p.replace('account', 'console user')),
  );
  return users;
}
