import type { Browser } from 'playwright-core';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { startJobId } from '../../src/domain/start-job';
import { haveChromium, launchChromium } from '../support/chromium';
import { eventually, startTestService, type TestService } from '../support/service';
import { meetingEvent, post, signed } from '../support/webhook';

const chromiumHere = haveChromium('dashboard');

const ADMIN = { username: 'admin', password: 'correct-horse-battery' };
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

(chromiumHere ? describe : describe.skip)('dashboard at /admin/queues', () => {
  it('answers 401 without credentials and with wrong ones', async () => {
    // A browser with no credentials: the basic-auth challenge, no dashboard.
    const context = await browser.newContext();
    const anonymous = await context.request.get(`${service.url}/admin/queues`);
    expect(anonymous.status()).toBe(401);
    expect(await anonymous.text()).not.toContain('Livestream starts');
    await context.close();
    const wrong = await fetch(`${service.url}/admin/queues`, {
      headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Basic');
  });

  it('shows a waiting meeting with why it waits and when it tries next', async () => {
    await post(service.url, signed(meetingEvent('meeting.started', { uuid: 'on-the-board' })));
    await eventually(async () =>
      (await service.queue.getJob(startJobId('meeting', 'on-the-board')))?.isDelayed(),
    );

    const context = await browser.newContext({ httpCredentials: ADMIN });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const res = await page.goto(`${service.url}/admin/queues/queue/livestream?status=delayed`);
    expect(res?.status()).toBe(200);
    await page.getByText(startJobId('meeting', 'on-the-board')).waitFor();
    await page.getByText('85012345678').first().waitFor();

    await page.getByRole('tab', { name: 'Logs' }).click();
    await page
      .getByText(
        /attempt 1 \(start\): Zoom answered 429 .*next attempt at .*\(livestream_rate_limited\)/,
      )
      .waitFor();

    await page.getByRole('tab', { name: 'Progress' }).click();
    await page.getByText('"waiting"').waitFor();
    await page.getByText('"livestream_rate_limited"').first().waitFor();
    await page.screenshot({
      path: `${process.env.SCREENSHOT_DIR ?? '/tmp'}/dashboard-waiting-job.png`,
    });
    // Nothing from another origin: Bull Board's link to a font CDN is taken out.
    expect(requested.filter((u) => !u.startsWith(`${service.url}/`))).toEqual([]);
    await context.close();
  });
});
