import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { sandboxAccountsFile } from '../support/accounts-service';
import { uniquePrefix } from '../support/redis';
import { eventually, startTestService, type TestService } from '../support/service';

// QUEUE_SHARDS changes between two runs of a deployment with waiting starts: every waiting start
// still happens once, and a redelivery after the change still finds its start.

const NAMES = ['campus', 'media', 'law', 'north'];
let zoom: ZoomSandbox;
let service: TestService | undefined;
afterEach(async () => {
  await service?.stop();
  await zoom.close();
});

it('loses and duplicates no waiting start when QUEUE_SHARDS goes from 1 to 3', async () => {
  zoom = await startZoomSandbox({
    rateLimitedStarts: 0,
    accounts: NAMES.map((name) => ({ name })),
  });
  const accounts = sandboxAccountsFile(zoom);
  const base = {
    ...accounts,
    QUEUE_PREFIX: uniquePrefix(),
    ZOOM_WEBHOOK_SECRET_TOKEN: '',
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    RECONCILE_INTERVAL_MS: '0',
  };
  const meeting = (name: string) => ({ id: 7100, uuid: `${name}-7100==`, topic: name });
  // One shard, receivers only: the starts wait in shard 0.
  service = await startTestService({ ...base, ROLE: 'receiver', QUEUE_SHARDS: '1' });
  for (const name of NAMES)
    expect(
      await zoom.account(name).sendWebhook(service.url, 'meeting.started', meeting(name)),
    ).toBe(204);
  await service.stop();

  // Three shards: a worker and receiver of the new count, and a redelivery of every start.
  service = await startTestService({ ...base, ROLE: 'all', QUEUE_SHARDS: '3' });
  for (const name of NAMES)
    expect(
      await zoom.account(name).sendWebhook(service.url, 'meeting.started', meeting(name)),
    ).toBe(204);
  const duplicates = () =>
    service!.logs.lines.filter((l) => l.msg === 'webhook handled' && l.outcome === 'duplicate');
  expect(duplicates()).toHaveLength(NAMES.length);
  await eventually(() => NAMES.every((n) => zoom.account(n).started.has('7100')), 20_000);
  for (const name of NAMES) expect(zoom.account(name).livestreamCalls()).toHaveLength(1);

  // They all ran in shard 0, where their accounts were first placed.
  const counts = await service.queue.getJobCounts('completed');
  expect(counts.completed).toBe(NAMES.length);
});
