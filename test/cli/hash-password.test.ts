import { Readable } from 'node:stream';
import { verifyPassword } from '../../src/accounts/password-hash';
import { hashPasswordCommand } from '../../src/cli/hash-password-command';
import type { CliIo } from '../../src/cli/io';

function io() {
  const seen = { out: '', err: '' };
  const cliIo: CliIo = {
    env: {},
    cwd: __dirname,
    out: (t) => void (seen.out += t),
    err: (t) => void (seen.err += t),
    stopSignal: () => new Promise(() => undefined),
    onReload: () => undefined,
  };
  return { cliIo, seen };
}

it('prints a hash line that verifies the password read from stdin, and no other', async () => {
  const { cliIo, seen } = io();
  const code = await hashPasswordCommand(cliIo, Readable.from(['correct horse battery\n']));
  expect(code).toBe(0);
  const line = seen.out.trim();
  expect(line).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  expect(await verifyPassword('correct horse battery', line)).toBe(true);
  expect(await verifyPassword('correct horse batter', line)).toBe(false);
  expect(seen.out).not.toContain('correct horse');
  expect(seen.err).not.toContain('correct horse');
});

it('refuses a short password with exit 2 and prints no hash', async () => {
  const { cliIo, seen } = io();
  await expect(hashPasswordCommand(cliIo, Readable.from(['short\n']))).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringContaining('at least 12 characters'),
  });
  expect(seen.out).toBe('');
});
