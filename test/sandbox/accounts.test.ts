import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { verifyZoomWebhook } from '../../src/webhook/signature';

let clock = Date.parse('2026-05-04T10:00:00.000Z');
let zoom: ZoomSandbox;
beforeEach(async () => {
  clock = Date.parse('2026-05-04T10:00:00.000Z');
  zoom = await startZoomSandbox({
    now: () => clock,
    rateLimitedStarts: 0,
    accounts: [
      { name: 'campus', maxRequestsPerSecond: 2 },
      { name: 'med', accountId: 'zoom-med', clientId: 'med-app', clientSecret: 'med-s3cret' },
    ],
  });
});
afterEach(() => zoom.close());

async function tokenFor(name: string, accountId = zoom.account(name).credentials.accountId) {
  const { clientId, clientSecret } = zoom.account(name).credentials;
  const res = await fetch(
    `${zoom.oauthTokenUrl}?grant_type=account_credentials&account_id=${accountId}`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
    },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function bearer(name: string): Promise<string> {
  const { status, body } = await tokenFor(name);
  expect(status).toBe(200);
  return String(body.access_token);
}

const start = (token: string, id: number) =>
  fetch(`${zoom.apiBaseUrl}/meetings/${id}/livestream/status`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{"action":"start"}',
  });

const control = (path: string, body?: unknown) =>
  fetch(`${zoom.origin}/sandbox${path}`, {
    method: 'POST',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

it('gives each account its own credentials, tokens and started streams, even for the same meeting number', async () => {
  expect(zoom.credentials).toEqual(zoom.account('campus').credentials);
  expect(zoom.account('med').credentials).toEqual({
    accountId: 'zoom-med',
    clientId: 'med-app',
    clientSecret: 'med-s3cret',
  });
  expect((await tokenFor('campus', 'zoom-med')).body).toMatchObject({ error: 'invalid_request' });
  const campus = await bearer('campus');
  const med = await bearer('med');
  expect((await start(campus, 123)).status).toBe(204);
  expect([...zoom.account('campus').started]).toEqual(['123']);
  expect(zoom.account('med').started.size).toBe(0);
  expect((await start(med, 123)).status).toBe(204);
  expect([...zoom.account('med').started]).toEqual(['123']);
  expect(zoom.account('med').livestreamCalls()).toHaveLength(1);
  expect(zoom.requests.filter((r) => r.path.startsWith('/oauth')).map((r) => r.account)).toEqual([
    'campus',
    'campus',
    'med',
  ]);
  zoom.account('campus').revokeTokens();
  expect((await start(campus, 124)).status).toBe(401);
  expect((await start(med, 124)).status).toBe(204);
});

it("refuses an account's old client secret once it is rotated, naming the account in the request log", async () => {
  const old = { ...zoom.account('med').credentials };
  zoom.account('med').rotateClientSecret('med-new-s3cret');
  const res = await fetch(
    `${zoom.oauthTokenUrl}?grant_type=account_credentials&account_id=${old.accountId}`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${old.clientId}:${old.clientSecret}`).toString('base64')}`,
      },
    },
  );
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  expect(zoom.requests.at(-1)!.account).toBe('med');
  expect((await tokenFor('med')).status).toBe(200);
});

it('answers an account over its per-second limit with an account-level 429; the other account is not counted', async () => {
  const campus = await bearer('campus');
  const med = await bearer('med');
  expect((await start(campus, 1)).status).toBe(204);
  expect((await start(campus, 2)).status).toBe(204);
  const over = await start(campus, 3);
  expect(over.status).toBe(429);
  expect(over.headers.get('x-ratelimit-type')).toBe('QPS');
  expect(over.headers.get('x-ratelimit-limit')).toBe('2');
  expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
  expect(zoom.account('campus').started.has('3')).toBe(false);
  for (const id of [1, 2, 3, 4]) expect((await start(med, id)).status).toBe(204);
  clock += 1000;
  expect((await start(campus, 3)).status).toBe(204);
});

it('puts one account in a 429 storm over HTTP until it ends or is called off; the other keeps starting', async () => {
  const campus = await bearer('campus');
  const med = await bearer('med');
  const storm = await control('/accounts/med/storm', { seconds: 5 });
  expect(storm.status).toBe(200);
  expect(await storm.json()).toEqual({
    account: 'med',
    type: 'QPS',
    until: '2026-05-04T10:00:05.000Z',
  });
  const refused = await start(med, 7);
  expect(refused.status).toBe(429);
  expect(refused.headers.get('x-ratelimit-type')).toBe('QPS');
  expect((await start(campus, 7)).status).toBe(204);
  clock += 4999;
  expect((await start(med, 7)).status).toBe(429);
  clock += 1;
  expect((await start(med, 7)).status).toBe(204);

  expect((await control('/accounts/med/storm', { type: 'Daily-limit' })).status).toBe(200);
  const daily = await start(med, 8);
  expect(daily.headers.get('x-ratelimit-type')).toBe('Daily-limit');
  expect((await control('/accounts/med/calm')).status).toBe(204);
  expect((await start(med, 8)).status).toBe(204);

  zoom.account('med').storm(60, 'Daily-limit');
  const dated = await start(med, 9);
  expect(dated.headers.get('retry-after')).toBe('Mon, 04 May 2026 10:01:05 GMT');
});

it('thins a storm to every third call, with the Retry-After asked for', async () => {
  const med = await bearer('med');
  const asked = await control('/accounts/med/storm', { every: 3, retryAfterSeconds: 1 });
  expect(asked.status).toBe(200);
  const answers: Response[] = [];
  for (let i = 0; i < 6; i++) answers.push(await start(med, 20 + i));
  expect(answers.map((a) => a.status)).toEqual([204, 204, 429, 204, 204, 429]);
  expect(answers[2]!.headers.get('x-ratelimit-type')).toBe('QPS');
  expect(answers[2]!.headers.get('retry-after')).toBe('1');
});

it('refuses storm and meeting controls it cannot follow', async () => {
  expect((await control('/accounts/nope/storm', {})).status).toBe(404);
  expect((await control('/accounts/med/storm', { seconds: -1 })).status).toBe(400);
  expect((await control('/accounts/med/storm', { type: 'hourly' })).status).toBe(400);
  expect((await control('/accounts/med/storm', { every: 1.5 })).status).toBe(400);
  expect((await control('/accounts/med/storm', { retryAfterSeconds: 0 })).status).toBe(400);
  const daily = { type: 'Daily-limit', seconds: 5, retryAfterSeconds: 1 };
  expect((await control('/accounts/med/storm', daily)).status).toBe(400);
  expect((await control('/accounts/med/meetings', { id: 'x' })).status).toBe(400);
  expect((await fetch(`${zoom.origin}/sandbox/accounts/med/calm`)).status).toBe(405);
});

it("lists only an account's own meetings, declared over HTTP per account", async () => {
  const declared = await control('/accounts/med/meetings', { id: 555, topic: 'Grand rounds' });
  expect(declared.status).toBe(201);
  zoom.account('campus').declareMeeting({ id: 444, topic: 'Lecture' });
  const list = async (name: string) => {
    const res = await fetch(`${zoom.apiBaseUrl}/users/sandbox-host/meetings?type=live`, {
      headers: { authorization: `Bearer ${await bearer(name)}` },
    });
    return ((await res.json()) as { meetings: { id: number }[] }).meetings.map((m) => m.id);
  };
  expect(await list('med')).toEqual([555]);
  expect(await list('campus')).toEqual([444]);
  expect((await control('/accounts/med/meetings/555/end')).status).toBe(204);
  expect(await list('med')).toEqual([]);
});

it("signs each account's webhooks with its secret and posts them to its path with its account_id", async () => {
  const got: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const service = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const med = zoom.account('med');
    expect(await med.sendWebhook(service, 'meeting.started', { id: 987, uuid: 'u1==' })).toBe(204);
    await med.sendWebhook(service, 'meeting.started', { id: 988 }, { secret: 'campus-secret' });
    expect(got[0]!.path).toBe('/webhooks/zoom/med');
    const event = JSON.parse(got[0]!.body) as {
      event: string;
      payload: { account_id: string; object: unknown };
    };
    expect(event.event).toBe('meeting.started');
    expect(event.payload.account_id).toBe('zoom-med');
    expect(event.payload.object).toMatchObject({ id: 987, uuid: 'u1==' });
    const verify = (i: number, secrets: string[]) =>
      verifyZoomWebhook({
        secrets,
        timestamp: got[i]!.headers['x-zm-request-timestamp'] as string,
        signature: got[i]!.headers['x-zm-signature'] as string,
        rawBody: Buffer.from(got[i]!.body),
        nowMs: clock,
        toleranceSeconds: 300,
      }).ok;
    expect(verify(0, [med.webhookSecret])).toBe(true);
    expect(verify(0, [zoom.account('campus').webhookSecret])).toBe(false);
    expect(verify(1, [med.webhookSecret])).toBe(false);
    await med.sendWebhook(service, 'meeting.ended', { id: 987 });
    expect(JSON.parse(got[2]!.body)).toMatchObject({
      event: 'meeting.ended',
      payload: { object: { uuid: 'u1==' } },
    });

    // Over HTTP, for a meeting declared there: the same signed event, to the origin it is given.
    await control('/accounts/campus/meetings', { id: 321, uuid: 'c3==' });
    const sent = await control('/accounts/campus/meetings/321/webhook', { to: service });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toEqual({ sent: `${service}/webhooks/zoom/campus`, status: 204 });
    expect(got[3]!.path).toBe('/webhooks/zoom/campus');
    expect(JSON.parse(got[3]!.body)).toMatchObject({
      event: 'meeting.started',
      payload: { account_id: zoom.account('campus').credentials.accountId, object: { id: 321 } },
    });
    expect(verify(3, [zoom.account('campus').webhookSecret])).toBe(true);
    expect((await control('/accounts/campus/meetings/322/webhook', { to: service })).status).toBe(
      404,
    );
    expect(
      (await control('/accounts/campus/meetings/321/webhook', { to: 'file:///etc' })).status,
    ).toBe(400);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
