import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/queue/start-queue';
import { haveChromium, launchChromium } from '../support/chromium';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

const chromiumHere = haveChromium('console');

const ADMIN = { username: 'producer', password: 'correct-horse-battery' };
const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp';
const HOSTILE_TOPIC = '<img src=x onerror="alert(1)"> Sunday service';
let zoom: ZoomSandbox;
let service: TestService;
let browser: Browser;

beforeAll(async () => {
  if (!chromiumHere) return;
  zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
  service = await startTestService(
    {
      LIVESTREAM_RETRY_DELAY_MS: '600000',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    },
    zoom,
  );
  browser = await launchChromium();
});
afterAll(async () => {
  if (!chromiumHere) return;
  await browser.close();
  await service.stop();
  await zoom.close();
});

/** A signed-in page that records every request it makes and accepts confirmation dialogs. */
async function openConsole(width = 1280, height = 900) {
  const context = await browser.newContext({
    httpCredentials: ADMIN,
    viewport: { width, height },
  });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('dialog', (d) => void d.accept());
  return { context, page, requested };
}

async function waiting(id: number, uuid: string, topic = 'Town hall') {
  await post(service.url, signed(meetingEvent('meeting.started', { id, uuid, topic })));
  await eventually(async () =>
    (await service.queue.getJob(startJobId('meeting', uuid)))?.isDelayed(),
  );
}

const row = (page: Page, meeting: number) => page.locator(`tr[data-meeting="${meeting}"]`);
const close = (c: BrowserContext) => c.close();

(chromiumHere ? describe : describe.skip)('meetings console at /console', () => {
  it('refuses a request without credentials (401) and a POST without the token (403)', async () => {
    const context = await browser.newContext();
    const anonymous = await context.request.get(`${service.url}/console`);
    expect(anonymous.status()).toBe(401);
    await close(context);
    const auth = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: auth };
    const noToken = await fetch(`${service.url}/console/actions/trigger`, {
      method: 'POST',
      headers: form,
      body: 'meetingId=85099999999',
    });
    expect(noToken.status).toBe(403);
    const page = await fetch(`${service.url}/console`, { headers: { authorization: auth } });
    const token = /name="csrf-token" content="([0-9a-f]+)"/.exec(await page.text())![1]!;
    const crossSite = await fetch(`${service.url}/console/actions/trigger`, {
      method: 'POST',
      headers: { ...form, origin: 'http://elsewhere.example', 'x-csrf-token': token },
      body: 'meetingId=85099999999',
    });
    expect(crossSite.status).toBe(403);
    expect(await service.queue.getJobs(['waiting', 'delayed', 'active'])).toEqual([]);
  });

  it('shows a meeting that got a 429 as waiting, with the reason and the next attempt', async () => {
    await waiting(85011111111, 'got-429', HOSTILE_TOPIC);
    const job = await service.queue.getJob(startJobId('meeting', 'got-429'));
    const next = new Date((job!.progress as { nextAttemptAt: number }).nextAttemptAt);
    const { context, page, requested } = await openConsole();
    expect((await page.goto(`${service.url}/console`))?.status()).toBe(200);
    const r = row(page, 85011111111);
    await r.getByText('waiting', { exact: true }).waitFor();
    await r.getByText('livestream_rate_limited').waitFor();
    await r.getByText(`${next.toISOString().slice(11, 19)} UTC`).waitFor();
    await r.getByText(/429 Too Many Requests/).waitFor();
    // The hostile topic is shown as text, never as markup.
    await r.getByText(HOSTILE_TOPIC).waitFor();
    expect(await page.locator('img').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/console-desktop.png`, fullPage: true });
    await r.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Attempt timeline' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/console-detail.png`, fullPage: true });
    expect(requested.filter((u) => !u.startsWith(`${service.url}/`))).toEqual([]);
    await close(context);

    const phone = await openConsole(390, 844);
    await phone.page.goto(`${service.url}/console`);
    await row(phone.page, 85011111111).getByText('waiting', { exact: true }).waitFor();
    await phone.page.screenshot({ path: `${SHOTS}/console-phone.png`, fullPage: true });
    expect(phone.requested.filter((u) => !u.startsWith(`${service.url}/`))).toEqual([]);
    await close(phone.context);
  });

  it('cancels a waiting start from the page', async () => {
    await waiting(85022222222, 'cancel-me');
    const { context, page } = await openConsole();
    await page.goto(`${service.url}/console?q=85022222222`);
    await row(page, 85022222222)
      .getByRole('button', { name: /Cancel/ })
      .click();
    await page.getByText('Cancelled the start of meeting 85022222222').waitFor();
    await row(page, 85022222222).getByText('cancelled', { exact: true }).waitFor();
    await row(page, 85022222222)
      .getByText(/cancelled by the operator \(console:producer\)/)
      .waitFor();
    await close(context);
  });

  it('retries a failed start from the page', async () => {
    zoom.script({ status: 400, body: { code: 3000, message: 'Cannot access meeting info.' } });
    await post(
      service.url,
      signed(meetingEvent('meeting.started', { id: 85033333333, uuid: 'retry-me' })),
    );
    const jobId = startJobId('meeting', 'retry-me');
    await eventually(async () => (await service.queue.getJobState(jobId)) === 'failed');
    const { context, page } = await openConsole();
    await page.goto(`${service.url}/console?state=failed`);
    await row(page, 85033333333)
      .getByText(/Zoom code 3000 · Cannot access meeting info/)
      .waitFor();
    await page.screenshot({ path: `${SHOTS}/console-failed.png`, fullPage: true });
    await row(page, 85033333333).getByRole('button', { name: /Retry/ }).click();
    await page.getByText('Retrying the start of meeting 85033333333').waitFor();
    await eventually(async () => (await service.queue.getJob(jobId))?.isDelayed());
    await page.goto(`${service.url}/console?q=85033333333`);
    await row(page, 85033333333).getByText('waiting', { exact: true }).waitFor();
    await close(context);
  });

  it('starts a stream by meeting id and stops it from the page', async () => {
    const { context, page } = await openConsole();
    await page.goto(`${service.url}/console`);
    await page.getByLabel('Meeting id to start now').fill('85044444444');
    await page.getByLabel('Meeting id to start now').press('Enter');
    await page.getByText('Queued a livestream start for meeting 85044444444').waitFor();
    await row(page, 85044444444).getByText('manual').waitFor();
    await row(page, 85044444444)
      .getByRole('button', { name: /Stop stream/ })
      .click();
    await page.getByText('Stopped the live stream of meeting 85044444444').waitFor();
    await row(page, 85044444444).getByText('stopped', { exact: true }).waitFor();
    expect(zoom.livestreamCalls().filter((c) => c.body.includes('"stop"'))).toHaveLength(1);
    // Logged with who did it, and never with a secret.
    const actions = service.logs.lines.filter(
      (l) => l.msg === 'operator action' && l.meetingId === '85044444444',
    );
    expect(actions.map((l) => [l.action, l.operator])).toEqual([
      ['trigger', 'console:producer'],
      ['stop', 'console:producer'],
    ]);
    expect(service.logs.text()).not.toContain(ADMIN.password);
    // Every state so far on one page, for the eye (desktop and phone).
    await page.reload();
    await row(page, 85044444444).getByText('stopped', { exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS}/console-overview.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/console-overview-phone.png`, fullPage: true });
    await close(context);
  });
});
