import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';
import { tempFile } from '../support/files';

it('checks the rules file before starting the embedded Redis: exit 78, no Redis started', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'zlw-rules-first-')), 'redis');
  const rules = tempFile('rules.yaml', 'rules:\n  - name: broken\n    action: maybe\n');
  const run = await cli(['start', '--role', 'worker'], {
    REDIS_URL: '',
    REDIS_DATA_DIR: dataDir,
    PORT: '0',
    ZOOM_ACCOUNT_ID: 'a',
    ZOOM_CLIENT_ID: 'c',
    ZOOM_CLIENT_SECRET: 's',
    LIVESTREAM_RULES_FILE: rules,
  });
  expect(run.code).toBe(78);
  expect(run.err).toContain('rules[0] (broken).action');
  expect(existsSync(dataDir)).toBe(false); // the embedded Redis creates it when it starts
});
