import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAccountsFile, type AccountDefaults } from '../../src/accounts/accounts-file';
import { AccountsError, describeAccount } from '../../src/accounts/account-types';

const dir = mkdtempSync(join(tmpdir(), 'zlw-accounts-'));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const DEFAULTS: AccountDefaults = {
  maxRequestsPerSecond: 20,
  rulesFile: undefined,
  alertWebhookUrl: undefined,
  reconcileUsers: { kind: 'rules' },
  needsCredentials: true,
  needsWebhookSecret: true,
};

const ENV = {
  CAMPUS_ID: 'zoom-campus',
  CAMPUS_CLIENT: 'client-campus',
  CAMPUS_SECRET: 'campus-client-secret-value',
  CAMPUS_HOOK: 'campus-hook-new,campus-hook-old',
  MEDIA_ID: 'zoom-media',
};

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof AccountsError) return err.problems;
    throw err;
  }
  throw new Error('expected an AccountsError');
}

describe('the accounts file', () => {
  it('reads accounts with ${VAR} references, secret files and the environment defaults', () => {
    const secretFile = write('media-secret', 'media-client-secret\n');
    const file = write(
      'good.yaml',
      [
        'accounts:',
        '  - name: campus',
        '    zoom_account_id: ${CAMPUS_ID}',
        '    client_id: ${CAMPUS_CLIENT}',
        '    client_secret: ${CAMPUS_SECRET}',
        '    webhook_secret_token: ${CAMPUS_HOOK}',
        '    max_requests_per_second: 30',
        '    reconcile_users: all',
        '  - name: media',
        '    zoom_account_id: ${MEDIA_ID}',
        '    client_id: media-client',
        `    client_secret_file: ${secretFile}`,
        '    webhook_secret_token: ${CAMPUS_SECRET}',
        '    alert_webhook_url: https://alerts.example/media/',
      ].join('\n'),
    );
    const set = loadAccountsFile(file, ENV, DEFAULTS);
    expect(set.file).toBe(file);
    const [campus, media] = set.accounts;
    expect(campus).toMatchObject({
      name: 'campus',
      zoom: { accountId: 'zoom-campus', clientId: 'client-campus', maxRequestsPerSecond: 30 },
      webhookSecrets: ['campus-hook-new', 'campus-hook-old'],
      reconcileUsers: { kind: 'all' },
    });
    expect(campus!.zoom.clientSecret).toBe('campus-client-secret-value');
    expect(media).toMatchObject({
      name: 'media',
      zoom: { clientSecret: 'media-client-secret', maxRequestsPerSecond: 20 },
      alertWebhookUrl: 'https://alerts.example/media',
      reconcileUsers: { kind: 'rules' },
    });
    // What logs and doctor may print holds no secret.
    const shown = JSON.stringify(set.accounts.map(describeAccount));
    for (const secret of ['campus-client-secret-value', 'campus-hook-new', 'media-client-secret'])
      expect(shown).not.toContain(secret);
  });

  it('is the same as JSON', () => {
    const file = write(
      'good.json',
      JSON.stringify({
        accounts: [
          {
            name: 'campus',
            zoom_account_id: '${CAMPUS_ID}',
            client_id: 'c',
            client_secret: '${CAMPUS_SECRET}',
            webhook_secret_token: '${CAMPUS_HOOK}',
          },
        ],
      }),
    );
    expect(loadAccountsFile(file, ENV, DEFAULTS).accounts.map((a) => a.name)).toEqual(['campus']);
  });

  it('names every mistake at once, never a secret', () => {
    const file = write(
      'bad.yaml',
      [
        'accounts:',
        '  - name: Campus_1',
        '    zoom_account_id: ${CAMPUS_ID}',
        '    client_id: c',
        '    client_secret: written-in-the-file-secret',
        '    webhook_secret_token: ${NOT_SET_ANYWHERE}',
        '    max_requests_per_second: 0',
        '    colour: blue',
        '  - name: media',
        '    zoom_account_id: same-id',
        '    client_secret: ${CAMPUS_SECRET}',
        '    webhook_secret_token: ${CAMPUS_HOOK}',
        '    rules_file: missing-rules.yaml',
        '  - name: media',
        '    zoom_account_id: same-id',
        '    client_id: c',
        '    client_secret: ${CAMPUS_SECRET}',
        '    webhook_secret_token: ${CAMPUS_HOOK}',
        '    reconcile_users: "a b"',
        'console_users:',
        '  - username: ann',
        '    password_hash: hunter2hunter2',
        '    accounts: [nobody]',
        'extra: 1',
      ].join('\n'),
    );
    const problems = problemsOf(() =>
      loadAccountsFile(file, ENV, {
        ...DEFAULTS,
        rulesProblems: (f) => (f === 'missing-rules.yaml' ? ['cannot be read (ENOENT)'] : []),
      }),
    );
    expect(problems).toEqual([
      'extra: unknown top-level key (expected accounts, console_users)',
      'accounts[0].colour: unknown field',
      'accounts[0].name: must be 1-32 characters of a-z, 0-9 and - (it appears in URLs and metrics)',
      'accounts[0].client_secret: must be a ${VARIABLE} reference or client_secret_file, not the secret itself',
      'accounts[0].webhook_secret_token: ${NOT_SET_ANYWHERE} is not set',
      'accounts[0].max_requests_per_second: must be a whole number from 1 to 100000 (got "0")',
      'accounts[1] (media).client_id: is required',
      'accounts[1] (media).rules_file (missing-rules.yaml): cannot be read (ENOENT)',
      'accounts[2] (media).reconcile_users: must be "all" or a comma-separated list of user ids or emails',
      'account name "media" is used by more than one account',
      expect.stringMatching(/^console_users\[0\]\.password_hash: must be an scrypt hash/),
      'console_users[0].accounts: "nobody" is not an account of this file',
    ]);
    // Duplicate zoom ids are named once both accounts are otherwise good.
    const dup = write(
      'dup.yaml',
      ['campus', 'campus']
        .map(
          (name) =>
            `- {name: ${name}, zoom_account_id: same-id, client_id: c, client_secret: "\${CAMPUS_SECRET}", webhook_secret_token: "\${CAMPUS_HOOK}"}`,
        )
        .join('\n')
        .replace(/^/, 'accounts:\n'),
    );
    expect(problemsOf(() => loadAccountsFile(dup, ENV, DEFAULTS))).toEqual([
      'account name "campus" is used by more than one account',
      'zoom_account_id "same-id" is used by more than one account',
    ]);
    expect(problems.join('\n')).not.toContain('written-in-the-file-secret');
  });

  it('asks a receiver for no client secret and a worker for no webhook secret', () => {
    const file = write(
      'partial.yaml',
      'accounts:\n  - name: campus\n    zoom_account_id: z\n    client_id: ${UNSET_ID}\n    client_secret: ${UNSET_SECRET}\n    webhook_secret_token: ${CAMPUS_HOOK}\n',
    );
    const receiver = { ...DEFAULTS, needsCredentials: false };
    expect(loadAccountsFile(file, ENV, receiver).accounts[0]!.zoom.clientSecret).toBe('');
    expect(problemsOf(() => loadAccountsFile(file, ENV, DEFAULTS))).toEqual([
      'accounts[0] (campus).client_id: ${UNSET_ID} is not set',
      'accounts[0] (campus).client_secret: ${UNSET_SECRET} is not set',
    ]);
  });

  it('says what a file that is no accounts file is, without echoing it', () => {
    expect(problemsOf(() => loadAccountsFile(join(dir, 'none.yaml'), ENV, DEFAULTS))).toEqual([
      'cannot be read (ENOENT)',
    ]);
    const secretish = write('not-yaml.yaml', 'password: [unclosed secret-words');
    expect(problemsOf(() => loadAccountsFile(secretish, ENV, DEFAULTS))).toEqual([
      'is not valid YAML or JSON (line 1)',
    ]);
    expect(
      problemsOf(() => loadAccountsFile(write('empty.yaml', 'accounts: []'), ENV, DEFAULTS)),
    ).toEqual(['accounts: must list at least one account']);
  });
});
