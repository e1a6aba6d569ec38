import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountRegistry } from '../../src/accounts/account-registry';
import { loadAccounts } from '../../src/accounts/load-accounts';
import { loadConfig } from '../../src/config/load-config';
import { captureLog } from '../support/log-capture';

const dir = mkdtempSync(join(tmpdir(), 'zlw-registry-'));
const file = join(dir, 'accounts.yaml');
const secretFile = join(dir, 'campus-secret');

const account = (name: string, extra = '') =>
  `  - name: ${name}\n    zoom_account_id: zoom-${name}\n    client_id: id-${name}\n    client_secret_file: ${secretFile}\n    webhook_secret_token: \${HOOK}\n${extra}`;

describe('reloading the accounts (SIGHUP)', () => {
  const env = { ACCOUNTS_FILE: file, HOOK: 'hook-secret', REDIS_URL: 'redis://127.0.0.1:1' };

  it('adds, removes and changes accounts, and keeps them when the new file is broken', () => {
    writeFileSync(secretFile, 'first-secret');
    writeFileSync(file, `accounts:\n${account('campus')}${account('media')}`);
    const config = loadConfig(env);
    const captured = captureLog();
    const { log, lines } = captured;
    const registry = createAccountRegistry(
      loadAccounts(config, env),
      () => loadAccounts(config, env),
      log,
    );
    const seen: unknown[] = [];
    registry.onChange((change) => void seen.push(change));
    expect(registry.names()).toEqual(['campus', 'media']);

    // A rotated secret file, a removed and an added account.
    writeFileSync(secretFile, 'second-secret');
    writeFileSync(file, `accounts:\n${account('campus')}${account('choir')}`);
    expect(registry.reload()).toEqual({
      ok: true,
      added: ['choir'],
      removed: ['media'],
      changed: ['campus'],
    });
    expect(registry.get('campus')!.zoom.clientSecret).toBe('second-secret');
    expect(registry.get('media')).toBeUndefined();
    expect(seen).toHaveLength(1);

    // A broken file: the accounts in force stay, the log says why.
    writeFileSync(file, `accounts:\n${account('Bad Name')}`);
    const broken = registry.reload();
    expect(broken).toEqual({ ok: false, problems: [expect.stringContaining('name: must be')] });
    expect(registry.names()).toEqual(['campus', 'choir']);
    expect(seen).toHaveLength(1);
    const error = lines.find((l) => l.level === 50);
    expect(error?.msg).toBe(
      'accounts not reloaded: the file is invalid; the accounts in force stay',
    );
    expect(captured.text()).not.toContain('second-secret');
    expect(captured.text()).not.toContain('hook-secret');
  });

  it('without ACCOUNTS_FILE, the ZOOM_* variables form the one default account', () => {
    const config = loadConfig({
      ZOOM_ACCOUNT_ID: 'acc',
      ZOOM_CLIENT_ID: 'cid',
      ZOOM_CLIENT_SECRET: 'csecret',
      ZOOM_WEBHOOK_SECRET_TOKEN: 'a,b',
      ZOOM_MAX_REQUESTS_PER_SECOND: '7',
    });
    const set = loadAccounts(config, {});
    expect(set.file).toBeUndefined();
    expect(set.accounts).toEqual([
      {
        name: 'default',
        zoom: {
          accountId: 'acc',
          clientId: 'cid',
          clientSecret: 'csecret',
          maxRequestsPerSecond: 7,
        },
        webhookSecrets: ['a', 'b'],
        rulesFile: undefined,
        alertWebhookUrl: undefined,
        reconcileUsers: { kind: 'rules' },
      },
    ]);
  });
});
