import { hashPassword } from '../../src/accounts/password-hash';
import {
  ADMIN,
  CAMPUS,
  SHARED_MEETING,
  STUDIO,
  TEST_COST,
  auth,
  consoleAccounts,
  page,
  tokenIn,
} from '../support/console-accounts';

// Signing in to the console: the admin, console users (scrypt), their CSRF tokens.
const world = consoleAccounts();
const { consoleServer } = world;

it('signs in only with the right password; a changed hash or removed user is asked again at once', async () => {
  const url = await consoleServer();
  expect((await page(url, { ...CAMPUS, password: 'wrong-password-1' })).status).toBe(401);
  expect((await page(url, { username: 'nobody', password: CAMPUS.password })).status).toBe(401);
  expect((await page(url, CAMPUS)).status).toBe(200);
  const before = world.users;
  world.users = [
    { ...world.users[0]!, passwordHash: await hashPassword('another-password-1', TEST_COST) },
  ];
  try {
    expect((await page(url, CAMPUS)).status).toBe(401);
    expect((await page(url, STUDIO)).status).toBe(401);
  } finally {
    world.users = before;
  }
});

it("each user's CSRF token is theirs: another user's is refused", async () => {
  const url = await consoleServer();
  const campusToken = tokenIn((await page(url, CAMPUS)).text);
  const res = await fetch(`${url}/actions/cancel`, {
    method: 'POST',
    headers: { authorization: auth(STUDIO), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: campusToken, meetingId: SHARED_MEETING }),
  });
  expect(res.status).toBe(403);
});

it('works with console users and no admin: the admin credentials are not there to try', async () => {
  const url = await consoleServer({ username: undefined, password: undefined });
  expect((await page(url, ADMIN)).status).toBe(401);
  const campus = await page(url, CAMPUS);
  expect(campus.status).toBe(200);
  // One account: no account column to tell rows apart.
  expect(campus.text).not.toContain('<th>Account</th>');
});

it('checks at most a few passwords at once: a flood of wrong ones gets 429, and the right one still signs in', async () => {
  const url = await consoleServer();
  const before = world.users;
  // The shipped cost (32 MiB, tens of milliseconds a check): the checks overlap.
  world.users = [{ ...before[0]!, passwordHash: await hashPassword(CAMPUS.password) }];
  try {
    const flood = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        page(url, { ...CAMPUS, password: `wrong-password-${i}` }).then((r) => r.status),
      ),
    );
    expect(flood.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(flood.every((s) => s === 401 || s === 429)).toBe(true);
    expect((await page(url, CAMPUS)).status).toBe(200);
  } finally {
    world.users = before;
  }
});
