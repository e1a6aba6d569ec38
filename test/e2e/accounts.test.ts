import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startZoomSandbox,
  type SandboxAccountView,
  type ZoomSandbox,
} from '../../src/sandbox/zoom-sandbox';
import { ensureBuilt, startBuiltService } from '../support/built-cli';
import { redisUrl, uniquePrefix } from '../support/redis';
import { eventually } from '../support/service';

// Several Zoom accounts in one deployment, end to end on real processes: the compiled CLI's
// `start` reads an accounts file and serves the sandbox's accounts, each on its own webhook path
// with its own secret, token and streams.

const MEETING = 85012345678;
let zoom: ZoomSandbox;
let dir: string;
const answers: { account: string | undefined; path: string; status: number }[] = [];

beforeAll(async () => {
  await ensureBuilt();
  zoom = await startZoomSandbox({
    rateLimitedStarts: 1,
    accounts: ['campus', 'med', 'law'].map((name) => ({ name, maxRequestsPerSecond: 20 })),
    onAnswer: (req, status) =>
      answers.push({ account: req.account, path: req.path.split('?')[0]!, status }),
  });
  dir = mkdtempSync(join(tmpdir(), 'zlw-accounts-'));
}, 120_000);
afterAll(async () => {
  await zoom.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The variables an accounts file of `names` refers to (its secrets are never in the file). */
function accountsEnv(names: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const a = zoom.account(name);
    const v = name.toUpperCase();
    Object.assign(env, {
      [`${v}_ZOOM_ACCOUNT_ID`]: a.credentials.accountId,
      [`${v}_CLIENT_ID`]: a.credentials.clientId,
      [`${v}_CLIENT_SECRET`]: a.credentials.clientSecret,
      [`${v}_WEBHOOK_SECRET`]: a.webhookSecret,
    });
  }
  return env;
}

/** Writes the accounts file listing `names`, each field a `${VAR}` reference; answers its path. */
function writeAccounts(names: string[]): string {
  const lines = ['accounts:'];
  for (const name of names) {
    const v = name.toUpperCase();
    lines.push(
      `  - name: ${name}`,
      `    zoom_account_id: \${${v}_ZOOM_ACCOUNT_ID}`,
      `    client_id: \${${v}_CLIENT_ID}`,
      `    client_secret: \${${v}_CLIENT_SECRET}`,
      `    webhook_secret_token: \${${v}_WEBHOOK_SECRET}`,
    );
  }
  const file = join(dir, 'accounts.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function startService(file: string, env: Record<string, string>) {
  return startBuiltService({
    PATH: process.env.PATH,
    REDIS_URL: redisUrl(),
    QUEUE_PREFIX: uniquePrefix(),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ACCOUNTS_FILE: file,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    LIVESTREAM_RETRY_DELAY_MS: '200',
    LIVESTREAM_BACKOFF_BASE_MS: '100',
    ...env,
  });
}

const meeting = (id: number, tag: string) => ({ id, uuid: `${tag}-${id}==`, topic: tag });

/** The stream of `id` started at the sandbox, by the account's own token. */
const startedBy = (account: SandboxAccountView, id: number) =>
  eventually(
    () =>
      account.started.has(String(id)) &&
      account
        .livestreamCalls()
        .some(
          (c) => c.path === `/v2/meetings/${id}/livestream/status` && c.account === account.name,
        ),
    15_000,
  );

it('serves two accounts on their own paths, refuses crossed secrets and account ids, keeps one going when the other’s credentials fail, and adds a third on SIGHUP', async () => {
  const [campus, med, law] = [zoom.account('campus'), zoom.account('med'), zoom.account('law')];
  // law's variables are in the environment from the start; the file lists it only later.
  const service = await startService(
    writeAccounts(['campus', 'med']),
    accountsEnv(['campus', 'med', 'law']),
  );
  try {
    // Each account's webhook on its path starts its stream with its own token; the same meeting
    // number in both accounts is two meetings.
    expect(await campus.sendWebhook(service.url, 'meeting.started', meeting(MEETING, 'c1'))).toBe(
      204,
    );
    expect(await med.sendWebhook(service.url, 'meeting.started', meeting(MEETING, 'm1'))).toBe(204);
    await startedBy(campus, MEETING);
    await startedBy(med, MEETING);
    expect(
      answers
        .filter((a) => a.path === '/oauth/token' && a.status === 200)
        .map((a) => a.account)
        .sort(),
    ).toEqual(expect.arrayContaining(['campus', 'med']));

    // campus's signature on med's path: 401, nothing queued for med.
    const crossed = await med.sendWebhook(
      service.url,
      'meeting.started',
      meeting(MEETING + 1, 'x'),
      {
        secret: campus.webhookSecret,
      },
    );
    expect(crossed).toBe(401);
    // campus's own app, validly signed, carrying med's Zoom account id: refused and logged.
    const foreign = await campus.sendWebhook(
      service.url,
      'meeting.started',
      meeting(MEETING + 2, 'y'),
      {
        accountId: med.credentials.accountId,
      },
    );
    expect(foreign).toBe(403);
    await eventually(() =>
      service
        .output()
        .split('\n')
        .some(
          (l) => l.includes('"outcome":"foreign_account"') && l.includes(med.credentials.accountId),
        ),
    );

    // An unknown account's path: 404.
    expect(await law.sendWebhook(service.url, 'meeting.started', meeting(MEETING + 3, 'l0'))).toBe(
      404,
    );

    // campus's secret is rotated at Zoom and not here: its starts wait on rejected credentials,
    // med keeps starting.
    campus.rotateClientSecret('rotated-at-zoom');
    campus.revokeTokens();
    expect(
      await campus.sendWebhook(service.url, 'meeting.started', meeting(MEETING + 4, 'c2')),
    ).toBe(204);
    await eventually(() =>
      answers.some((a) => a.account === 'campus' && a.path === '/oauth/token' && a.status === 400),
    );
    expect(await med.sendWebhook(service.url, 'meeting.started', meeting(MEETING + 4, 'm2'))).toBe(
      204,
    );
    await startedBy(med, MEETING + 4);
    expect(campus.started.has(String(MEETING + 4))).toBe(false);
    // This process stays in the load balancer; its readiness names the account in trouble.
    await eventually(async () => {
      const ready = await fetch(`${service.url}/readyz`);
      expect(ready.status).toBe(200);
      return JSON.stringify(await ready.json()).includes(
        'rejected the client credentials of account campus',
      );
    });

    // A third account added to the file: SIGHUP, and its path starts its streams.
    writeAccounts(['campus', 'med', 'law']);
    service.child.kill('SIGHUP');
    await eventually(
      async () =>
        (await law.sendWebhook(service.url, 'meeting.started', meeting(MEETING + 5, 'l1'))) === 204,
    );
    await startedBy(law, MEETING + 5);
  } finally {
    await service.stop();
  }
}, 90_000);
