import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'zlw-accounts-start-'));

describe('start with an accounts file', () => {
  it('refuses a broken file with exit 78, naming every problem and no secret', async () => {
    const file = join(dir, 'accounts.yaml');
    writeFileSync(
      file,
      [
        'accounts:',
        '  - name: campus',
        '    zoom_account_id: z1',
        '    client_id: c',
        '    client_secret: pasted-client-secret',
        '    webhook_secret_token: ${CAMPUS_HOOK}',
        '  - name: campus',
        '    zoom_account_id: z2',
        '    client_id: c',
        '    client_secret: ${CAMPUS_SECRET}',
        '    webhook_secret_token: ${CAMPUS_HOOK}',
        '    rules_file: no-such-rules.yaml',
      ].join('\n'),
    );
    const run = await cli(['start'], {
      ACCOUNTS_FILE: file,
      CAMPUS_SECRET: 'campus-secret',
      CAMPUS_HOOK: 'campus-hook',
    });
    expect(run.code).toBe(78);
    expect(run.err).toContain(`invalid accounts file ${file}`);
    expect(run.err).toContain(
      'accounts[0] (campus).client_secret: must be a ${VARIABLE} reference',
    );
    expect(run.err).toContain('account name "campus" is used by more than one account');
    expect(run.err).toMatch(
      /accounts\[1\] \(campus\)\.rules_file \(no-such-rules\.yaml\): cannot be read/,
    );
    for (const secret of ['pasted-client-secret', 'campus-secret', 'campus-hook'])
      expect(run.err).not.toContain(secret);
  });

  it('refuses ZOOM_* credentials beside the file with exit 78', async () => {
    const run = await cli(['start'], {
      ACCOUNTS_FILE: join(dir, 'whatever.yaml'),
      ZOOM_CLIENT_SECRET: 'leftover-secret',
    });
    expect(run.code).toBe(78);
    expect(run.err).toContain('ACCOUNTS_FILE: ZOOM_CLIENT_SECRET is set too');
    expect(run.err).not.toContain('leftover-secret');
  });
});
