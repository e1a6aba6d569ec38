import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { cli } from '../support/cli';
import { tempFile } from '../support/files';
import { uniquePrefix } from '../support/redis';

// Known secret values: none of them may appear in anything doctor prints.
const CLINIC_SECRET = 'doctor-accounts-clinic-secret-4c1d';
const CAMPUS_WRONG_SECRET = 'doctor-accounts-campus-wrong-8e2f';
const WEBHOOK_SECRETS = ['doctor-accounts-webhook-a-11', 'doctor-accounts-webhook-b-22'];

let zoom: ZoomSandbox;
beforeEach(async () => {
  zoom = await startZoomSandbox({ clientSecret: CLINIC_SECRET });
});
afterEach(() => zoom.close());

/** Two accounts: campus (wrong credentials, and a rules file that does not parse) and clinic. */
function deployment(): Record<string, string> {
  const badRules = tempFile('campus-rules.yaml', 'rules:\n  - { name: broken, action: fly }\n');
  const file = tempFile(
    'accounts.yaml',
    `accounts:
  - name: campus
    zoom_account_id: campus-account
    client_id: campus-client
    client_secret: \${CAMPUS_SECRET}
    webhook_secret_token: \${CAMPUS_WEBHOOK}
    rules_file: ${badRules}
  - name: clinic
    zoom_account_id: \${CLINIC_ACCOUNT_ID}
    client_id: \${CLINIC_CLIENT_ID}
    client_secret: \${CLINIC_SECRET}
    webhook_secret_token: \${CLINIC_WEBHOOK}
    reconcile_users: all
`,
  );
  return {
    QUEUE_PREFIX: uniquePrefix(),
    ACCOUNTS_FILE: file,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    CAMPUS_SECRET: CAMPUS_WRONG_SECRET,
    CAMPUS_WEBHOOK: WEBHOOK_SECRETS[0]!,
    CLINIC_ACCOUNT_ID: zoom.credentials.accountId,
    CLINIC_CLIENT_ID: zoom.credentials.clientId,
    CLINIC_SECRET,
    CLINIC_WEBHOOK: WEBHOOK_SECRETS[1]!,
  };
}

function expectNoSecret(text: string): void {
  for (const secret of [CLINIC_SECRET, CAMPUS_WRONG_SECRET, ...WEBHOOK_SECRETS])
    expect(text).not.toContain(secret);
}

/** The lines under `account <name>`, up to the next heading or the summary. */
function section(out: string, name: string): string {
  const start = out.indexOf(`\naccount ${name}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = out.slice(start + 1);
  return rest.slice(0, rest.indexOf('\n\n') === -1 ? undefined : rest.indexOf('\n\n'));
}

it('checks every account, names the one that fails, and the others pass', async () => {
  const run = await cli(['doctor'], deployment());
  expect(run.code).toBe(1);
  expect(run.out).toMatch(/^\[ok\] {3}Accounts file valid\n.*accounts\.yaml: campus, clinic$/m);
  const campus = section(run.out, 'campus');
  expect(campus).toMatch(
    /^\[FAIL\] Zoom accepts the OAuth credentials\n {7}account campus: Zoom rejected the credentials: it answered 400/m,
  );
  expect(campus).toContain('of account campus in ACCOUNTS_FILE');
  expect(campus).toMatch(/^\[FAIL\] Livestream rules valid\n {7}account campus: /m);
  expect(campus).toMatch(/^\[ok\] {3}Webhook secret token set\n.*\/webhooks\/zoom\/campus/m);
  const clinic = section(run.out, 'clinic');
  expect(clinic).not.toContain('[FAIL]');
  expect(clinic).toMatch(/^\[ok\] {3}Zoom accepts the OAuth credentials/m);
  expect(clinic).toMatch(/^\[ok\] {3}Zoom scopes for meeting live streams/m);
  expect(clinic).toMatch(/^\[ok\] {3}Zoom answers the sweep's list call\n {7}GET \/users: 200/m);
  expect(clinic).toMatch(/^\[ok\] {3}Livestream rules valid/m);
  expect(run.out.trimEnd().split('\n').at(-1)).toBe('2 checks failed (account campus)');
  // The list call went out with clinic's token only: campus never got one.
  expect(zoom.listCalls().map((c) => c.path)).toEqual(['/v2/users?status=active&page_size=1']);
  expectNoSecret(run.out + run.err);
});

it('--account checks one account: the other is not asked about, and an unknown name fails', async () => {
  const env = deployment();
  const clinic = await cli(['doctor', '--account', 'clinic'], env);
  expect(clinic.code).toBe(0);
  expect(clinic.out).toContain('\naccount clinic\n');
  expect(clinic.out).not.toContain('account campus');
  expect(clinic.out.trimEnd().split('\n').at(-1)).toBe('all checks passed');
  expect(zoom.requests.filter((r) => r.path.startsWith('/oauth/token'))).toHaveLength(1);

  const unknown = await cli(['doctor', '--account', 'nobody'], env);
  expect(unknown.code).toBe(1);
  expect(unknown.out).toMatch(
    /^\[FAIL\] Account exists\n {7}no account "nobody"; the accounts are: campus, clinic$/m,
  );
  expectNoSecret(clinic.out + unknown.out);
});
