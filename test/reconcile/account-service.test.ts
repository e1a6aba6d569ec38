import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { StartJobData } from '../../src/domain/start-job';
import { startJobId } from '../../src/domain/start-job';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { shardPrefix } from '../../src/queue/shards';
import { startZoomSandbox, type ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { tempFile } from '../support/files';
import { redisUrl } from '../support/redis';
import { moreSweeps } from '../support/reconcile';
import { startTestService, type TestService } from '../support/service';

let zoom: ZoomSandbox;
let service: TestService | undefined;
beforeEach(async () => {
  zoom = await startZoomSandbox();
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await zoom.close();
});

it('the service sweeps an account of ACCOUNTS_FILE with its credentials and rules, into its shard', async () => {
  // `clinic` lands in shard 1 of 2; its rules stream one meeting only.
  const rules = tempFile(
    'clinic-rules.yaml',
    'rules:\n  - { name: lectures, action: stream, match: { meeting_ids: [85300000001] } }\n  - { name: rest, action: skip }\n',
  );
  const accounts = tempFile(
    'accounts.yaml',
    `accounts:
  - name: clinic
    zoom_account_id: \${CLINIC_ACCOUNT_ID}
    client_id: \${CLINIC_CLIENT_ID}
    client_secret: \${CLINIC_SECRET}
    webhook_secret_token: \${CLINIC_WEBHOOK}
    rules_file: ${rules}
    reconcile_users: sandbox-host
`,
  );
  const lecture = zoom.declareMeeting({ id: 85300000001 });
  zoom.declareMeeting({ id: 85300000002 }); // live, but the rules skip it
  service = await startTestService({
    ROLE: 'all',
    ACCOUNTS_FILE: accounts,
    ZOOM_WEBHOOK_SECRET_TOKEN: '',
    CLINIC_ACCOUNT_ID: zoom.credentials.accountId,
    CLINIC_CLIENT_ID: zoom.credentials.clientId,
    CLINIC_SECRET: zoom.credentials.clientSecret,
    CLINIC_WEBHOOK: 'clinic-webhook-secret',
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    QUEUE_SHARDS: '2',
    RECONCILE_INTERVAL_MS: '1000',
    PREFLIGHT_LEAD_MS: '0',
  });
  const [sweep] = await moreSweeps(service, 1);
  expect(sweep).toMatchObject({ account: 'clinic', live: 2, queued: 1 });
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const shard1 = new Queue<StartJobData>(LIVESTREAM_QUEUE, {
    connection,
    prefix: shardPrefix(service.prefix, 1),
  });
  try {
    const job = await shard1.getJob(startJobId('meeting', lecture.uuid, 'clinic'));
    expect(job?.data).toMatchObject({ account: 'clinic', source: 'reconcile' });
  } finally {
    await shard1.close();
    connection.disconnect();
  }
});
