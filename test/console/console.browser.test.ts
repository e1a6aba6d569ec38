import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { haveChromium, launchChromium } from '../support/chromium';
import { consoleMeetings } from '../support/console-meetings';
import { startTestService, type TestService } from '../support/service';

const chromiumHere = haveChromium('console');

const ADMIN = { username: 'producer', password: 'correct-horse-battery' };
const AUTH = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;
/**
 * Screenshots go outside the repository: SCREENSHOT_DIR, else the system's temporary directory.
 * The overview's are drawn with two accounts (console-accounts.browser.test.ts).
 */
const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'console-shots');
const HOSTILE_TOPIC = '<img src=x onerror="alert(1)"> Sunday service';
const ZONE = 'America/New_York';
let zoom: ZoomSandbox;
let service: TestService;
let browser: Browser;
let meetings: ReturnType<typeof consoleMeetings>;

beforeAll(async () => {
  if (!chromiumHere) return;
  mkdirSync(SHOTS, { recursive: true });
  zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
  service = await startTestService(
    {
      LIVESTREAM_RETRY_DELAY_MS: '600000',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    },
    zoom,
  );
  meetings = consoleMeetings(service, zoom);
  browser = await launchChromium();
});
afterAll(async () => {
  if (!chromiumHere) return;
  await browser.close();
  await service.stop();
  await zoom.close();
});

/** A signed-in page in New York time that accepts confirmation dialogs and records its actions. */
async function openConsole(width = 1280, height = 900) {
  const context = await browser.newContext({
    httpCredentials: ADMIN,
    viewport: { width, height },
    timezoneId: ZONE,
    locale: 'en-US',
  });
  const page = await context.newPage();
  const requested: string[] = [];
  const actions: [string, number][] = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('response', (r) => {
    const m = /\/console\/actions\/(\w+)$/.exec(r.url());
    if (m) actions.push([m[1]!, r.status()]);
  });
  page.on('dialog', (d) => void d.accept());
  return { context, page, requested, actions };
}

/** The meeting's row in the list (the attention block may show it too). */
const row = (page: Page, meeting: number) => page.locator(`#rows tr[data-meeting="${meeting}"]`);
const flash = (page: Page) => page.locator('#flash');
const close = (c: BrowserContext) => c.close();

/** Clicks and waits for the action's answer, so each step is known to have reached the server. */
async function act(page: Page, click: () => Promise<void>): Promise<number> {
  const answer = page.waitForResponse((r) => r.url().includes('/console/actions/'));
  await click();
  return (await answer).status();
}

(chromiumHere ? describe : describe.skip)('meetings console at /console', () => {
  it('answers every action on one page, success or refusal, however many in a row', async () => {
    await meetings.waiting(85011111111, 'seq-cancel');
    await meetings.failed(85022222222, 'seq-retry');
    await meetings.waiting(85033333333, 'seq-refused');
    const { context, page, actions } = await openConsole();
    await page.goto(`${service.url}/console`);

    // 1. Cancel: answered, and the row follows.
    const cancel = (id: number) =>
      row(page, id)
        .getByRole('button', { name: /Cancel/ })
        .click();
    expect(await act(page, () => cancel(85011111111))).toBe(200);
    await flash(page).getByText('Cancelled the start of meeting 85011111111').waitFor();
    await row(page, 85011111111).getByText('cancelled', { exact: true }).waitFor();

    // 2. Retry, on the same page: answered too (the first answer did not eat the message area).
    const retry = () => row(page, 85022222222).getByRole('button', { name: /Retry/ }).click();
    expect(await act(page, retry)).toBe(200);
    await flash(page).getByText('Retrying the start of meeting 85022222222').waitFor();
    await row(page, 85022222222).getByText('waiting', { exact: true }).waitFor();

    // A refresh that fails says so and keeps the list as it was.
    await page.route(/\/console\/(rows|overview)/, (r) => r.fulfill({ status: 500, body: 'x' }));
    await page
      .locator('#notice')
      .getByText(/could not be refreshed \(500/)
      .waitFor();
    await row(page, 85033333333)
      .getByRole('button', { name: /Cancel/ })
      .waitFor();
    await page.unroute(/\/console\/(rows|overview)/);

    // 3. A refused action: someone else cancelled meeting 3 before this page refreshed.
    await page.route(/\/console\/(rows|overview)/, (r) => r.fulfill({ status: 204 }));
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const elsewhere = await fetch(`${service.url}/console/actions/cancel`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token!, meetingId: '85033333333' }),
    });
    expect(elsewhere.status).toBe(303);
    expect(await act(page, () => cancel(85033333333))).toBe(409);
    await flash(page)
      .getByText('No waiting start for meeting 85033333333: nothing cancelled')
      .waitFor();
    expect(await flash(page).locator('article.error').count()).toBe(1);
    await page.unroute(/\/console\/(rows|overview)/);

    // 4. Start by meeting id, still the same page.
    const start = async () => {
      await page.getByLabel('Meeting id to start now').fill('85044444444');
      await page.getByLabel('Meeting id to start now').press('Enter');
    };
    expect(await act(page, start)).toBe(200);
    await flash(page).getByText('Queued a livestream start for meeting 85044444444').waitFor();
    await row(page, 85044444444).getByText('manual').waitFor();
    await page.locator('#notice').waitFor({ state: 'hidden' });

    expect(actions).toEqual([
      ['cancel', 200],
      ['retry', 200],
      ['cancel', 409],
      ['trigger', 200],
    ]);
    expect(await flash(page).locator('article').count()).toBe(1);
    const logged = service.logs.lines
      .filter((l) => l.msg === 'operator action')
      .map((l) => [l.action, l.meetingId]);
    expect(logged).toEqual([
      ['cancel', '85011111111'],
      ['retry', '85022222222'],
      ['cancel', '85033333333'],
      ['trigger', '85044444444'],
    ]);
    await close(context);
  });

  it('reads at a glance: counts, what needs a person, compact rows, local times', async () => {
    await meetings.waiting(85055555555, 'glance-429', HOSTILE_TOPIC);
    await meetings.failed(85066666666, 'glance-failed', 'Quarterly all-hands');
    await meetings.streaming(85077777777, 'glance-live', 'Morning worship');
    const { context, page, requested } = await openConsole();
    await page.goto(`${service.url}/console`);
    await page.locator('#tz').getByText(ZONE).waitFor();

    // Counts per state and per source; each is a filter.
    await page
      .locator('.counts a[href$="?state=failed"]')
      .getByText(/\d+ failed/)
      .waitFor();
    await page.locator('.counts a[href$="?source=manual"]').waitFor();
    // What needs a person first: the failed meeting, above the list.
    const attention = page.locator('.attention tr[data-meeting="85066666666"]');
    await attention.getByText('failed', { exact: true }).first().waitFor();
    await attention.getByRole('button', { name: /Retry/ }).waitFor();

    // One compact row: Zoom's answer short, the full text on hover; the local time, UTC on hover.
    const waiting = row(page, 85055555555);
    await waiting.getByText('429 · retry after 30 s').waitFor();
    expect(await waiting.locator('.answer').getAttribute('title')).toContain(
      'Too many requests submitted to start the livestream',
    );
    const next = waiting.locator('td[data-label="Next attempt"] time');
    const iso = (await next.getAttribute('datetime'))!;
    expect(await next.getAttribute('title')).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`);
    const local = new Intl.DateTimeFormat('en-US', {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZone: ZONE,
    }).format(new Date(iso));
    await next.getByText(local).waitFor();
    // Only the actions that fit: no Stop on what only waits, Stop where the stream started.
    expect(await waiting.getByRole('button').allInnerTexts()).toEqual(['Cancel']);
    expect(await row(page, 85077777777).getByRole('button').allInnerTexts()).toEqual([
      'Stop stream',
    ]);
    // The hostile topic is text, never markup.
    await waiting.getByText(HOSTILE_TOPIC).waitFor();
    expect(await page.locator('img').count()).toBe(0);
    await waiting.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Attempt timeline' }).waitFor();
    await page
      .getByText(/Too many requests submitted to start the livestream/)
      .first()
      .waitFor();
    await page.screenshot({ path: `${SHOTS}/console-detail-desktop.png`, fullPage: true });
    const detailUrl = page.url();
    expect(requested.filter((u) => !u.startsWith(`${service.url}/`))).toEqual([]);
    await close(context);

    const phone = await openConsole(390, 844);
    await phone.page.goto(`${service.url}/console`);
    await row(phone.page, 85055555555).getByText('waiting', { exact: true }).waitFor();
    await phone.page.goto(detailUrl);
    await phone.page.getByRole('heading', { name: 'Attempt timeline' }).waitFor();
    await phone.page.screenshot({ path: `${SHOTS}/console-detail-phone.png`, fullPage: true });
    expect(phone.requested.filter((u) => !u.startsWith(`${service.url}/`))).toEqual([]);
    await close(phone.context);
  });

  it('stops a started stream, and says so when Zoom refuses a stop', async () => {
    await meetings.streaming(85088888888, 'stop-ok', 'Evening service');
    await meetings.streaming(85099999999, 'stop-refused', 'Late service');
    const { context, page } = await openConsole();
    await page.goto(`${service.url}/console`);
    const stop = (id: number) => () =>
      row(page, id)
        .getByRole('button', { name: /Stop stream/ })
        .click();
    expect(await act(page, stop(85088888888))).toBe(200);
    await flash(page).getByText('Stopped the live stream of meeting 85088888888').waitFor();
    await row(page, 85088888888).getByText('stopped', { exact: true }).waitFor();

    zoom.script({ status: 400, body: { code: 3001, message: 'Meeting does not exist.' } });
    expect(await act(page, stop(85099999999))).toBe(502);
    await flash(page)
      .getByText(
        /Zoom did not stop the live stream of meeting 85099999999: .*Meeting does not exist/,
      )
      .waitFor();
    await row(page, 85099999999).getByText('started', { exact: true }).waitFor();
    expect(zoom.livestreamCalls().filter((c) => c.body.includes('"stop"'))).toHaveLength(2);
    expect(service.logs.text()).not.toContain(ADMIN.password);
    await close(context);
  });
});
