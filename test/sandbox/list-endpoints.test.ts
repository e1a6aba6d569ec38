import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';

let zoom: ZoomSandbox;
let token: string;
beforeEach(async () => {
  zoom = await startZoomSandbox();
  const res = await fetch(
    `${zoom.oauthTokenUrl}?grant_type=account_credentials&account_id=sandbox-account`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
      },
    },
  );
  token = ((await res.json()) as { access_token: string }).access_token;
});
afterEach(() => zoom.close());

const get = async (path: string, bearer = token) => {
  const res = await fetch(`${zoom.apiBaseUrl}${path}`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

it('refuses what Zoom refuses: no token, unknown or invalid query parameters, unknown users', async () => {
  expect(await get('/users', 'nope')).toMatchObject({ status: 401, body: { code: 124 } });
  for (const query of [
    'page_size=301',
    'page_size=ten',
    'status=gone',
    'color=red',
    'page_size=1&page_size=2',
  ])
    expect(await get(`/users?${query}`)).toMatchObject({
      status: 400,
      body: { code: 300, message: expect.stringMatching(/^Validation Failed: /) },
    });
  expect(await get('/users/sandbox-host/meetings?type=ongoing')).toMatchObject({ status: 400 });
  expect(await get('/users/nobody/meetings?type=live')).toMatchObject({
    status: 404,
    body: { code: 1001 },
  });
  expect(await get('/meetings/123/livestream')).toMatchObject({
    status: 404,
    body: { code: 3001 },
  });
  expect(await get('/users?next_page_token=bogus')).toMatchObject({ status: 400 });
});

it('lists live and upcoming meetings by user id or email, page by page', async () => {
  for (let i = 0; i < 5; i++) zoom.declareMeeting({ id: 88000000000 + i });
  zoom.declareMeeting({ id: 88000000009, status: 'upcoming', startTime: '2030-01-01T10:00:00Z' });
  const first = await get('/users/host@sandbox.example/meetings?type=live&page_size=2');
  expect(first).toMatchObject({ status: 200, body: { total_records: 5, page_size: 2 } });
  const ids: unknown[] = [];
  let page = first;
  for (;;) {
    ids.push(...(page.body.meetings as { id: unknown }[]).map((m) => m.id));
    const next = page.body.next_page_token as string;
    if (!next) break;
    page = await get(`/users/sandbox-host/meetings?type=live&page_size=2&next_page_token=${next}`);
  }
  expect(ids).toEqual([0, 1, 2, 3, 4].map((i) => 88000000000 + i));
  const upcoming = await get('/users/sandbox-host/meetings?type=upcoming');
  expect(upcoming.body.total_records).toBe(6); // upcoming includes live meetings, as at Zoom
  expect(await get('/meetings/88000000009/livestream')).toEqual({
    status: 200,
    body: { stream_url: '', stream_key: '', page_url: '' },
  });
});

it('takes declarations over HTTP: POST /sandbox/meetings and …/end', async () => {
  const post = (path: string, body?: string) =>
    fetch(`${zoom.origin}${path}`, { method: 'POST', ...(body !== undefined && { body }) });
  expect((await post('/sandbox/meetings', '{"id":"x"}')).status).toBe(400);
  const res = await post('/sandbox/meetings', '{"id":85012345678,"topic":"Vespers"}');
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({
    id: 85012345678,
    status: 'live',
    hostId: 'sandbox-host',
  });
  expect((await get('/users/sandbox-host/meetings?type=live')).body.total_records).toBe(1);
  expect((await post('/sandbox/meetings/85012345678/end')).status).toBe(204);
  expect((await get('/users/sandbox-host/meetings?type=live')).body.total_records).toBe(0);
});
