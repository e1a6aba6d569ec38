import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { singleShard } from '../support/single-shard';
import { sandboxAccountsFile } from '../support/accounts-service';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { createConsoleRouter } from '../../src/console/console-router';
import { enqueueStart } from '../../src/queue/start-queue';
import { startJobId } from '../../src/domain/start-job';
import { haveChromium, launchChromium } from '../support/chromium';
import { captureLog } from '../support/log-capture';
import { eventually, finishedJob, startTestService, type TestService } from '../support/service';

const chromiumHere = haveChromium('console accounts');

// The worker of the test service starts every account's meetings at the sandbox; the console
// under test serves two accounts, "campus" and "studio", from the same queue.
const ADMIN = { username: 'producer', password: 'correct-horse-battery' };
const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'console-shots');
let zoom: ZoomSandbox;
let service: TestService;
let browser: Browser;
let server: Server;
let url: string;

beforeAll(async () => {
  if (!chromiumHere) return;
  mkdirSync(SHOTS, { recursive: true });
  zoom = await startZoomSandbox({
    rateLimitedStarts: 5,
    accounts: [{ name: 'campus' }, { name: 'studio' }],
  });
  const accounts = sandboxAccountsFile(zoom);
  service = await startTestService({
    ...accounts,
    ROLE: 'all',
    ZOOM_WEBHOOK_SECRET_TOKEN: '',
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    LIVESTREAM_RETRY_DELAY_MS: '600000',
  });
  const app = express();
  app.use(
    createConsoleRouter({
      queues: singleShard(service.queue),
      ...ADMIN,
      accountNames: () => ['campus', 'studio'],
      attentionAfterMs: 600_000,
      log: captureLog('silent').log,
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/console`;
  browser = await launchChromium();
});
afterAll(async () => {
  if (!chromiumHere) return;
  await browser.close();
  server.close();
  await service.stop();
  await zoom.close();
});

/** A start of `account` as its webhook queues it; waits until the worker has answered it. */
async function meeting(
  account: string,
  id: number,
  topic: string,
  zoomAnswer: 'waiting' | 'failed' | 'streaming' | 'queued' = 'waiting',
) {
  const uuid = `${account}-${id}`;
  if (zoomAnswer === 'failed')
    zoom.script({ status: 400, body: { code: 3000, message: 'Cannot access meeting info.' } });
  if (zoomAnswer === 'streaming') zoom.script({ status: 204 });
  const { jobId } = await enqueueStart(service.queue, {
    kind: 'meeting',
    meetingId: String(id),
    uuid,
    topic,
    receivedAt: Date.now(),
    source: 'webhook',
    account,
  });
  expect(jobId).toBe(startJobId('meeting', uuid, account));
  if (zoomAnswer === 'streaming') await finishedJob(service, jobId);
  else if (zoomAnswer === 'failed')
    await eventually(async () => (await service.queue.getJobState(jobId)) === 'failed');
  else if (zoomAnswer === 'waiting')
    await eventually(async () => {
      const job = await service.queue.getJob(jobId);
      return (await job?.isDelayed()) && (job?.progress as { attempts?: number }).attempts;
    });
  return jobId;
}

async function openConsole(width = 1280, height = 900) {
  const context = await browser.newContext({
    httpCredentials: ADMIN,
    viewport: { width, height },
    timezoneId: 'Europe/Berlin',
    locale: 'en-GB',
  });
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  return { context, page };
}

const row = (page: Page, id: number) => page.locator(`#rows tr[data-meeting="${id}"]`);
/** How many rows of the list belong to `account`. */
const rowsOf = (page: Page, account: string) =>
  page.locator(`#rows tbody tr[data-account="${account}"]`).count();

(chromiumHere ? describe : describe.skip)('console with two accounts', () => {
  it('filters by account, acts on account b, and keeps the filter while polling, on one page', async () => {
    await meeting('campus', 85100000001, 'Physics 101 lecture');
    await meeting('campus', 85100000002, 'Senate meeting', 'failed');
    await meeting('campus', 85100000003, 'Graduation rehearsal', 'streaming');
    await meeting('studio', 85200000001, 'Client review: Acme');
    await meeting('studio', 85200000002, 'Weekly stand-up', 'streaming');
    const { context, page } = await openConsole();
    await page.goto(url);
    await page.evaluate(
      () => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true),
    );
    // Every account, each row naming its own.
    await row(page, 85100000001).locator('td.account').getByText('campus').waitFor();
    await row(page, 85200000001).locator('td.account').getByText('studio').waitFor();
    await page.locator('.attention tr[data-meeting="85100000002"]').waitFor();
    await page.screenshot({ path: `${SHOTS}/console-desktop.png` });

    // Filter to studio: the list and the overview follow, without a reload.
    await page.getByLabel('Account', { exact: true }).selectOption('studio');
    await row(page, 85100000001).waitFor({ state: 'detached' });
    expect(await rowsOf(page, 'campus')).toBe(0);
    expect(await rowsOf(page, 'studio')).toBeGreaterThan(0);
    await page.locator('.counts a[href*="account=studio"]').first().waitFor();
    await page.locator('.attention').waitFor({ state: 'detached' });

    // Act on a meeting of studio: answered, and the row follows.
    const answer = page.waitForResponse((r) => r.url().includes('/console/actions/'));
    await row(page, 85200000001)
      .getByRole('button', { name: /Cancel/ })
      .click();
    expect((await answer).status()).toBe(200);
    await page.locator('#flash').getByText('Cancelled the start of meeting 85200000001').waitFor();
    await row(page, 85200000001).getByText('cancelled', { exact: true }).waitFor();
    expect(
      await service.queue.getJobState(startJobId('meeting', 'campus-85100000001', 'campus')),
    ).toBe('delayed');

    // New starts of both accounts: the next poll shows studio's only.
    await meeting('campus', 85100000009, 'Late campus meeting', 'queued');
    await meeting('studio', 85200000009, 'Late studio meeting', 'queued');
    await row(page, 85200000009).waitFor();
    expect(await row(page, 85100000009).count()).toBe(0);
    expect(await rowsOf(page, 'campus')).toBe(0);
    expect(await rowsOf(page, 'studio')).toBeGreaterThan(0);
    expect(await page.getByLabel('Account', { exact: true }).inputValue()).toBe('studio');
    expect(
      await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
    await context.close();

    const phone = await openConsole(390, 844);
    await phone.page.goto(url);
    await row(phone.page, 85100000001).getByText('waiting', { exact: true }).waitFor();
    await phone.page.screenshot({ path: `${SHOTS}/console-phone.png`, fullPage: true });
    await phone.context.close();
  });
});
