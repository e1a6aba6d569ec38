import { DelayedError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { request } from 'undici';

// What a user would write instead of our worker: BullMQ, one undici PATCH per job with an
// in-memory token, and a 429 moved to the delayed set for its Retry-After (30 s unless told).
// No pacing, no facts, no progress, no dedupe of a late meeting.ended.
const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const base = process.env.ZOOM_API_BASE_URL!;
let token = '';

async function fetchToken(): Promise<string> {
  const answer = await request(
    `${base.replace(/\/v2$/, '')}/oauth/token?grant_type=account_credentials&account_id=sandbox-account`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
      },
    },
  );
  return ((await answer.body.json()) as { access_token: string }).access_token;
}

async function start(job: Job<{ meetingId: string }>, lock?: string): Promise<string> {
  const answer = await request(`${base}/meetings/${job.data.meetingId}/livestream/status`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'start' }),
  });
  await answer.body.dump();
  if (answer.statusCode === 429) {
    const after = Number(answer.headers['retry-after'] ?? 30) * 1000;
    await job.moveToDelayed(Date.now() + after, lock);
    throw new DelayedError();
  }
  if (answer.statusCode >= 300) throw new Error(`Zoom answered ${answer.statusCode}`);
  return 'started';
}

void fetchToken().then((t) => {
  token = t;
  const worker = new Worker(process.env.QUEUE_NAME!, start, {
    connection,
    prefix: process.env.QUEUE_PREFIX!,
    concurrency: Number(process.env.CONCURRENCY),
  });
  worker.on('ready', () => process.stdout.write('ready\n'));
  process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
});
