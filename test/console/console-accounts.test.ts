import type { ConsoleDeps } from '../../src/console/console-router';
import { startJobId } from '../../src/domain/start-job';
import {
  ADMIN,
  CAMPUS,
  SHARED_MEETING,
  STUDIO,
  consoleAccounts,
  page,
  post,
  waitingCount,
} from '../support/console-accounts';

// What a console user sees and may do, against the admin, over HTTP.
const world = consoleAccounts();
const { consoleServer, start, cancelledAt, logs } = world;
const studioJob = () => startJobId('meeting', 'studio-1', 'studio');

it("a user of campus sees campus's meetings only: list, overview counts, detail", async () => {
  const url = await consoleServer();
  const { status, text } = await page(url, CAMPUS);
  expect(status).toBe(200);
  expect(text).toContain('Campus lecture');
  expect(text).toContain('Campus senate');
  expect(text).not.toContain('Studio rehearsal');
  expect(waitingCount(text)).toBe(2);
  expect(text).toContain('signed in as campus-ops');
  // Asking for the other account's rows shows none of them.
  const other = await page(`${url}/rows?account=studio`, CAMPUS);
  expect(other.text).not.toContain('Studio rehearsal');
  const overview = await page(`${url}/overview?account=studio`, CAMPUS);
  expect(waitingCount(overview.text)).toBe(2);
  // BullMQ's total of kept jobs is every account's: not shown to a user of some accounts.
  expect(overview.text).not.toMatch(/undefined|jobs kept/);
  // The other account's detail page is answered as if it did not exist.
  const detail = await page(`${url}/meetings/${studioJob()}`, CAMPUS);
  expect(detail.status).toBe(404);
  expect(detail.text).toBe('no such meeting instance');
  expect((await page(`${url}/meetings/${studioJob()}`, ADMIN)).status).toBe(200);
});

it('the admin sees every account, with an account column and filter that the polling keeps', async () => {
  const url = await consoleServer();
  const all = await page(url, ADMIN);
  expect(all.text).toContain('Campus lecture');
  expect(all.text).toContain('Studio rehearsal');
  expect(waitingCount(all.text)).toBe(4);
  expect(all.text).toContain('<th>Account</th>');
  expect(all.text).toMatch(/data-label="Account" class="account">studio</);
  const studio = await page(`${url}?account=studio`, ADMIN);
  expect(studio.text).toContain('Studio rehearsal');
  expect(studio.text).not.toContain('Campus lecture');
  expect(waitingCount(studio.text)).toBe(1);
  // The rows fragment polls its own filter.
  expect(studio.text).toContain('hx-get="/console/rows?account=studio&amp;offset=0"');
  const detail = await page(`${url}/meetings/${studioJob()}`, ADMIN);
  expect(detail.text).toMatch(/Account <strong class="account">studio<\/strong>/);
});

it("a crafted POST on another account's meeting is refused and changes nothing", async () => {
  const url = await consoleServer();
  // campus-ops names studio's account: refused as if there were no such meeting, logged.
  const crafted = await post(url, CAMPUS, 'cancel', {
    account: 'studio',
    meetingId: SHARED_MEETING,
    uuid: 'studio-1',
    kind: 'meeting',
  });
  expect(crafted.status).toBe(404);
  expect(crafted.text).toContain('No such meeting in your accounts: nothing was changed.');
  expect(logs.lines).toContainEqual(
    expect.objectContaining({ msg: "console action refused: not one of the user's accounts" }),
  );
  // Without an account, or with their own and studio's instance: still only campus's starts.
  const ownAccount = await post(url, CAMPUS, 'cancel', {
    account: 'campus',
    meetingId: SHARED_MEETING,
    uuid: 'studio-1',
  });
  expect(ownAccount.status).toBe(409);
  expect(await cancelledAt('studio', 'studio-1')).toBeUndefined();
  const retry = await post(url, CAMPUS, 'retry', { account: 'studio', meetingId: SHARED_MEETING });
  expect(retry.status).toBe(404);
  // Cancelling the shared meeting number in campus leaves studio's instance waiting.
  const cancel = await post(url, CAMPUS, 'cancel', { meetingId: SHARED_MEETING });
  expect(cancel.status).toBe(200);
  expect(await cancelledAt('campus', 'campus-1')).toBeDefined();
  expect(await cancelledAt('studio', 'studio-1')).toBeUndefined();
  expect(await cancelledAt('region-eu', 'region-1')).toBeUndefined();
  expect((await page(`${url}/meetings/${studioJob()}`, ADMIN)).text).toContain(
    '<span class="state state-waiting">waiting</span>',
  );
});

it('a trigger goes to the account the form names, which must be one of the user', async () => {
  const url = await consoleServer();
  const refused = await post(url, STUDIO, 'trigger', {
    account: 'campus',
    meetingId: '85010000009',
  });
  expect(refused.status).toBe(404);
  const admin = await post(url, ADMIN, 'trigger', { meetingId: '85010000009' });
  expect(admin.status).toBe(400);
  expect(admin.text).toContain('choose the account (campus, studio, region-eu)');
  const own = await post(url, STUDIO, 'trigger', { meetingId: '85010000009' });
  expect(own.status).toBe(200);
  const rows = await page(`${url}/rows?q=85010000009`, ADMIN);
  expect(rows.text).toMatch(/data-account="studio"/);
  expect(rows.text).not.toMatch(/data-account="campus"/);
});

it("a stop reaches Zoom through the meeting's own account", async () => {
  const opened: (string | undefined)[] = [];
  const stopped: string[] = [];
  const url = await consoleServer({
    openZoom: (account) => {
      opened.push(account);
      const zoom = {
        stopLivestream: (_kind: string, meetingId: string) => {
          stopped.push(meetingId);
          return Promise.resolve({ trackingId: 'test' });
        },
      } as unknown as Awaited<ReturnType<NonNullable<ConsoleDeps['openZoom']>>>['zoom'];
      return Promise.resolve({ zoom, close: () => Promise.resolve() });
    },
  });
  await start('studio', '85010000005', 'studio-5', 'Studio live show');
  const stop = await post(url, STUDIO, 'stop', { meetingId: '85010000005', uuid: 'studio-5' });
  expect(stop.status).toBe(200);
  expect(opened).toEqual(['studio']);
  expect(stopped).toEqual(['85010000005']);
  const refused = await post(url, CAMPUS, 'stop', { account: 'studio', meetingId: '85010000005' });
  expect(refused.status).toBe(404);
  expect(opened).toEqual(['studio']);
});
