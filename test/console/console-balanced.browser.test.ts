import type { Browser, Page } from 'playwright-core';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { haveChromium, launchChromium } from '../support/chromium';
import { consoleMeetings } from '../support/console-meetings';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy';
import { startTestService, type TestService } from '../support/service';
import { uniquePrefix } from '../support/redis';

const chromiumHere = haveChromium('console behind a load balancer');
const ADMIN = { username: 'producer', password: 'correct-horse-battery' };
let zoom: ZoomSandbox;
let receivers: TestService[];
let proxy: RoundRobinProxy;
let browser: Browser;

beforeAll(async () => {
  if (!chromiumHere) return;
  zoom = await startZoomSandbox({ rateLimitedStarts: 5 });
  const prefix = uniquePrefix();
  const env = {
    QUEUE_PREFIX: prefix,
    LIVESTREAM_RETRY_DELAY_MS: '600000',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
  };
  // One process runs the worker (Zoom's answers for the setup); both serve the console.
  receivers = [
    await startTestService({ ...env, ROLE: 'all' }, zoom),
    await startTestService({ ...env, ROLE: 'receiver' }),
  ];
  proxy = await startRoundRobinProxy(receivers.map((r) => r.url));
  browser = await launchChromium();
});
afterAll(async () => {
  if (!chromiumHere) return;
  await browser.close();
  await proxy.close();
  for (const r of receivers) await r.stop();
  await zoom.close();
});

const row = (page: Page, id: number) => page.locator(`#rows tr[data-meeting="${id}"]`);

(chromiumHere ? describe : describe.skip)('console behind a round-robin load balancer', () => {
  it('answers every action with its message, whichever process gets the click', async () => {
    const meetings = consoleMeetings(receivers[0]!, zoom);
    await meetings.waiting(85012121212, 'lb-cancel-1');
    await meetings.waiting(85013131313, 'lb-cancel-2');
    await meetings.failed(85014141414, 'lb-retry');
    const context = await browser.newContext({ httpCredentials: ADMIN });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${proxy.url}/console`);
    const flash = page.locator('#flash');
    const click = async (id: number, name: RegExp) => {
      const answer = page.waitForResponse((r) => r.url().includes('/console/actions/'));
      await row(page, id).getByRole('button', { name }).click();
      return (await answer).status();
    };

    expect(await click(85012121212, /Cancel/)).toBe(200);
    await flash.getByText('Cancelled the start of meeting 85012121212').waitFor();
    expect(await click(85013131313, /Cancel/)).toBe(200);
    await flash.getByText('Cancelled the start of meeting 85013131313').waitFor();
    expect(await click(85014141414, /Retry/)).toBe(200);
    await flash.getByText('Retrying the start of meeting 85014141414').waitFor();
    for (const id of ['85015151515', '85016161616']) {
      const answer = page.waitForResponse((r) => r.url().includes('/console/actions/'));
      await page.getByLabel('Meeting id to start now').fill(id);
      await page.getByLabel('Meeting id to start now').press('Enter');
      expect((await answer).status()).toBe(200);
      await flash.getByText(`Queued a livestream start for meeting ${id}`).waitFor();
    }

    const posts = proxy.served.filter((s) => s.method === 'POST');
    expect(posts.map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
    // The clicks reached both processes, none of which made the page's token.
    expect(new Set(posts.map((p) => p.upstream))).toEqual(new Set([0, 1]));
    expect(proxy.served.some((s) => s.status === 403)).toBe(false);
    await context.close();
  });
});
