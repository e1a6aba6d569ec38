import { runCli } from '../../src/cli/run-cli';
import { eventually } from '../support/service';

/** `sandbox` running in-process with `args`: its origin once listening, its output, a stop. */
async function startSandbox(args: string[]) {
  let out = '';
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const running = runCli(['sandbox', '--port', '0', ...args], {
    env: {},
    cwd: __dirname,
    out: (text) => void (out += text),
    err: (text) => void (out += text),
    stopSignal: () => stopped,
    onReload: () => undefined,
  });
  const origin = await eventually(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]);
  return {
    origin,
    out: () => out,
    /** SIGINT, then the exit code. */
    stop: (): Promise<number> => {
      stop('SIGINT');
      return running;
    },
  };
}

it('sandbox serves OAuth and the livestream endpoints until stopped, then exits 0', async () => {
  const sandbox = await startSandbox(['--rate-limited-starts', '2']);
  const { origin } = sandbox;
  const token = await fetch(
    `${origin}/oauth/token?grant_type=account_credentials&account_id=sandbox-account`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
      },
    },
  );
  const { access_token } = (await token.json()) as { access_token: string };
  const start = async () =>
    (
      await fetch(`${origin}/v2/meetings/123/livestream/status`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: '{"action":"start"}',
      })
    ).status;
  expect([await start(), await start(), await start()]).toEqual([429, 429, 204]);
  expect(await sandbox.stop()).toBe(0);
  expect(sandbox.out()).toContain(`ZOOM_API_BASE_URL=${origin}/v2`);
  expect(sandbox.out()).toMatch(/PATCH \/v2\/meetings\/123\/livestream\/status → 204/);
});

it('sandbox --live-meeting declares a live meeting that the list endpoint shows, with no webhook', async () => {
  const sandbox = await startSandbox(['--live-meeting', '85012345678']);
  const { origin } = sandbox;
  expect(sandbox.out()).toMatch(
    /Meeting 85012345678 is live \(host sandbox-host, instance \S+\); no webhook/,
  );
  const token = await fetch(
    `${origin}/oauth/token?grant_type=account_credentials&account_id=sandbox-account`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
      },
    },
  );
  const { access_token } = (await token.json()) as { access_token: string };
  const live = await fetch(`${origin}/v2/users/sandbox-host/meetings?type=live`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  expect(await live.json()).toMatchObject({ meetings: [{ id: 85012345678 }] });
  expect(await sandbox.stop()).toBe(0);
});

it('sandbox --accounts plays each named account with the credentials it prints, and a storm hits one only', async () => {
  const sandbox = await startSandbox(['--rate-limited-starts', '0', '--accounts', 'campus,med']);
  const { origin } = sandbox;
  const printed = (name: string) => {
    const line = new RegExp(
      `  ${name}: zoom_account_id (\\S+), client_id (\\S+), client_secret (\\S+), webhook_secret_token (\\S+),`,
    ).exec(sandbox.out());
    return { accountId: line![1]!, clientId: line![2]!, clientSecret: line![3]! };
  };
  const bearer = async (name: string) => {
    const c = printed(name);
    const res = await fetch(
      `${origin}/oauth/token?grant_type=account_credentials&account_id=${c.accountId}`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
        },
      },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const start = async (token: string) =>
    (
      await fetch(`${origin}/v2/meetings/123/livestream/status`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"action":"start"}',
      })
    ).status;
  const [campus, med] = [await bearer('campus'), await bearer('med')];
  const storm = /curl -X POST (\S+\/storm)/.exec(sandbox.out())![1]!;
  expect(storm).toBe(`${origin}/sandbox/accounts/campus/storm`);
  expect((await fetch(storm, { method: 'POST', body: '{"seconds":60}' })).status).toBe(200);
  expect([await start(campus), await start(med)]).toEqual([429, 204]);
  expect(await sandbox.stop()).toBe(0);
  expect(sandbox.out()).toMatch(/med PATCH \/v2\/meetings\/123\/livestream\/status → 204/);
});

it('sandbox --accounts refuses a bad or repeated name with exit 2', async () => {
  let err = '';
  const run = (accounts: string) =>
    runCli(['sandbox', '--port', '0', '--accounts', accounts], {
      env: {},
      cwd: __dirname,
      out: () => undefined,
      err: (text) => void (err += text),
      stopSignal: () => new Promise(() => undefined),
      onReload: () => undefined,
    });
  expect(await run('campus,Med School')).toBe(2);
  expect(err).toContain('(not: "Med School")');
  expect(await run('campus,campus')).toBe(2);
});
