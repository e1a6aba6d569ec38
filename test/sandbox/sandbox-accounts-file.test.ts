import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAccountsFile } from '../../src/accounts/accounts-file';
import { writeSandboxAccountsFile } from '../../src/sandbox/sandbox-accounts-file';

const defaults = {
  maxRequestsPerSecond: 20,
  rulesFile: undefined,
  alertWebhookUrl: undefined,
  reconcileUsers: { kind: 'rules' as const },
  needsCredentials: true,
};

it('writes the sandbox accounts as the service reads them, every secret a ${VAR} reference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zlw-sandbox-accounts-'));
  const { file, env } = writeSandboxAccountsFile(
    dir,
    [{ name: 'campus-east', webhookSecret: 'hook-1', maxRequestsPerSecond: 7 }, { name: 'law' }],
    'T',
  );
  const text = readFileSync(file, 'utf8');
  expect(text).not.toContain('sandbox-secret'); // the client secrets are only in env
  expect(text).not.toContain('hook-1');
  expect(env.T_CAMPUS_EAST_CLIENT_SECRET).toBe('sandbox-secret-campus-east');

  const worker = loadAccountsFile(file, env, { ...defaults, needsWebhookSecret: false });
  const [campus, law] = worker.accounts;
  expect(campus).toMatchObject({
    name: 'campus-east',
    webhookSecrets: ['hook-1'],
    zoom: { accountId: 'sandbox-account-campus-east', maxRequestsPerSecond: 7 },
  });
  expect(law).toMatchObject({ webhookSecrets: [], zoom: { maxRequestsPerSecond: 20 } });
  // Without a webhook secret the account serves a worker, not a receiver.
  expect(() => loadAccountsFile(file, env, { ...defaults, needsWebhookSecret: true })).toThrow(
    /law.*webhook_secret_token/,
  );
});
