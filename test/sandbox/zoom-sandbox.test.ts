import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';

let zoom: ZoomSandbox;
beforeEach(async () => {
  zoom = await startZoomSandbox();
});
afterEach(() => zoom.close());

async function token(): Promise<string> {
  const res = await fetch(
    `${zoom.oauthTokenUrl}?grant_type=account_credentials&account_id=sandbox-account`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
      },
    },
  );
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    access_token: string;
    expires_in: number;
    token_type: string;
  };
  expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
  return body.access_token;
}

const patch = (path: string, bearer: string, body: string, contentType = 'application/json') =>
  fetch(`${zoom.apiBaseUrl}${path}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': contentType },
    body,
  });

it('issues tokens only for the right Basic credentials and account', async () => {
  const wrong = await fetch(
    `${zoom.oauthTokenUrl}?grant_type=account_credentials&account_id=sandbox-account`,
    {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('sandbox-client:nope').toString('base64')}` },
    },
  );
  expect(wrong.status).toBe(400);
  expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
  expect(await token()).toMatch(/^sandbox\./);
});

it('answers a meeting’s first start with 429 "retry after 30 seconds", then 204', async () => {
  const t = await token();
  const first = await patch('/meetings/123/livestream/status', t, '{"action":"start"}');
  expect(first.status).toBe(429);
  expect(((await first.json()) as { message: string }).message).toMatch(/retry after 30 seconds/);
  expect((await patch('/meetings/123/livestream/status', t, '{"action":"start"}')).status).toBe(
    204,
  );
  expect(zoom.started.has('123')).toBe(true);
});

it('rejects an unknown token with 401/124', async () => {
  const res = await patch('/meetings/123/livestream/status', 'made-up', '{"action":"start"}');
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ code: 124 });
});

it.each([
  [
    'a multipart form',
    '--x\r\nContent-Disposition: form-data; name="action"\r\n\r\nstart\r\n--x--',
    'multipart/form-data; boundary=x',
  ],
  ['malformed JSON', '{"action":', 'application/json'],
  ['an unknown action', '{"action":"Start"}', 'application/json'],
  ['settings as a string', '{"action":"start","settings":"start{}"}', 'application/json'],
  [
    'a display name over 50 characters',
    JSON.stringify({ action: 'start', settings: { display_name: 'x'.repeat(51) } }),
    'application/json',
  ],
])('rejects %s with 400/300', async (_label, body, contentType) => {
  const res = await patch('/meetings/123/livestream/status', await token(), body, contentType);
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ code: 300 });
});

it('validates stream targets against the spec (three required fields)', async () => {
  const t = await token();
  expect(
    (await patch('/meetings/5/livestream', t, JSON.stringify({ stream_url: 'rtmp://a/live' })))
      .status,
  ).toBe(400);
  const target = {
    stream_url: 'rtmp://a/live',
    stream_key: 'k',
    page_url: 'https://example.com/live',
    resolution: '1080p',
  };
  expect((await patch('/webinars/5/livestream', t, JSON.stringify(target))).status).toBe(204);
  expect(zoom.streamTargets.get('5')).toEqual(target);
});
