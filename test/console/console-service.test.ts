import { hashPassword } from '../../src/accounts/password-hash';
import { tempFile } from '../support/files';
import { startTestService, type TestService } from '../support/service';

// The service as a deployment with an accounts file runs it: console users, and no ADMIN_*.
const CAMPUS = { username: 'campus-av', password: 'campus-password-1' };
const auth = (u: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;

let service: TestService;

beforeAll(async () => {
  const hash = await hashPassword(CAMPUS.password, { N: 1024, r: 8, p: 1 });
  const file = tempFile(
    'accounts.yaml',
    [
      'accounts:',
      '  - { name: campus, zoom_account_id: acc-campus, webhook_secret_token: "${CAMPUS_SECRET}" }',
      '  - { name: studio, zoom_account_id: acc-studio, webhook_secret_token: "${STUDIO_SECRET}" }',
      'console_users:',
      `  - { username: ${CAMPUS.username}, password_hash: "${hash}", accounts: [campus] }`,
    ].join('\n'),
  );
  service = await startTestService({
    ROLE: 'receiver',
    ACCOUNTS_FILE: file,
    ZOOM_WEBHOOK_SECRET_TOKEN: '',
    CAMPUS_SECRET: 'campus-webhook-secret',
    STUDIO_SECRET: 'studio-webhook-secret',
  });
});
afterAll(async () => {
  await service.stop();
});

it('serves the console to the console users alone, and Bull Board to nobody, without ADMIN_*', async () => {
  const page = await fetch(`${service.url}/console`, { headers: { authorization: auth(CAMPUS) } });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('signed in as campus-av');
  const wrong = await fetch(`${service.url}/console`, {
    headers: { authorization: auth({ ...CAMPUS, password: 'not-the-password' }) },
  });
  expect(wrong.status).toBe(401);
  const board = await fetch(`${service.url}/admin/queues`, {
    headers: { authorization: auth(CAMPUS) },
  });
  expect(board.status).toBe(404);
});
