import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { connect } from '../../src/redis/connect';
import { loadConfig } from '../../src/config/load-config';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import type { StartJobData } from '../../src/domain/start-job';
import { runService, type RunningService } from '../../src/service/run-service';
import type { ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import type { Tracing } from '../../src/telemetry/tracing';
import { captureLog, type CapturedLog } from './log-capture';
import { redisUrl, uniquePrefix } from './redis';
import { SECRET } from './webhook';

export interface TestService extends RunningService {
  prefix: string;
  queue: Queue<StartJobData>;
  logs: CapturedLog;
  stop(): Promise<void>;
}

/** The real service (`runService`) on a random port with a queue prefix of its own. */
export async function startTestService(
  env: Record<string, string> = {},
  sandbox?: ZoomSandbox,
  /** Given to the service and its logger, as `start` does; default: none. */
  tracing?: Tracing,
): Promise<TestService> {
  const prefix = env.QUEUE_PREFIX ?? uniquePrefix();
  const zoomEnv: Record<string, string> = sandbox
    ? {
        ZOOM_ACCOUNT_ID: sandbox.credentials.accountId,
        ZOOM_CLIENT_ID: sandbox.credentials.clientId,
        ZOOM_CLIENT_SECRET: sandbox.credentials.clientSecret,
        ZOOM_API_BASE_URL: sandbox.apiBaseUrl,
        ZOOM_OAUTH_TOKEN_URL: sandbox.oauthTokenUrl,
      }
    : {};
  const fullEnv: Record<string, string> = {
    REDIS_URL: redisUrl(),
    PORT: '0',
    HOST: '127.0.0.1',
    ROLE: sandbox ? 'all' : 'receiver',
    ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
    LIVESTREAM_RETRY_DELAY_MS: '300',
    LIVESTREAM_BACKOFF_BASE_MS: '50',
    ZOOM_HTTP_TIMEOUT_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '3000',
    ...zoomEnv,
    ...env,
    QUEUE_PREFIX: prefix,
  };
  const config = loadConfig(fullEnv);
  const logs = captureLog(fullEnv.LOG_LEVEL || 'debug', tracing?.logFields);
  const service = await runService(config, logs.log, fullEnv, tracing);
  const mode = config.redis.mode;
  const connection =
    mode.kind === 'standalone'
      ? new Redis(mode.url ?? redisUrl(), { maxRetriesPerRequest: null })
      : connect(mode, { offlineQueue: true, maxRetriesPerRequest: null, retryDelay: () => 200 });
  const queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, { connection, prefix });
  queue.on('error', () => undefined); // the test's own view of the queue; errors surface in assertions
  await queue.waitUntilReady(); // closing a queue still connecting makes BullMQ emit an unhandled error
  return {
    ...service,
    prefix,
    queue,
    logs,
    stop: async () => {
      await service.close();
      await queue.close();
      connection.disconnect();
    },
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  stepMs = 25,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The job once it has finished (completed or failed), with its return value or failure reason. */
export function finishedJob(s: { queue: Queue<StartJobData> }, jobId: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const state = await s.queue.getJobState(jobId);
    // Fetched after the state is final, so returnvalue and failedReason are there.
    return state === 'completed' || state === 'failed' ? s.queue.getJob(jobId) : undefined;
  }, timeoutMs);
}

/**
 * How many jobs the queue may still run (active, waiting, delayed). Every Zoom call is made by a
 * job, so once the job under test is final and this is 0, no further call can come: a test checks
 * that decision instead of sleeping a while and finding that nothing happened.
 */
export async function stillScheduled(s: { queue: Queue<StartJobData> }): Promise<number> {
  const counts = await s.queue.getJobCounts(
    'active',
    'wait',
    'delayed',
    'prioritized',
    'waiting-children',
  );
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
