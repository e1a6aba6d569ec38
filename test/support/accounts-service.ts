import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config';
import type { StartJobData } from '../../src/domain/start-job';
import { enqueueStart } from '../../src/queue/start-queue';
import { createStartQueues, type StartQueues } from '../../src/queue/start-queues';
import { runService, type RunningService } from '../../src/service/run-service';
import type { AccountsZoom } from './accounts-zoom';
import { captureLog, type CapturedLog } from './log-capture';
import { redisUrl, uniquePrefix } from './redis';

/** One entry of the accounts file, in the file's own words (secrets as `${VAR}` or `*_file`). */
export type AccountEntry = Record<string, string | number>;

/** Writes an accounts file (JSON, which is YAML) into `dir` and returns its path. */
export function writeAccountsFile(dir: string, accounts: AccountEntry[]): string {
  const path = join(dir, 'accounts.yaml');
  writeFileSync(path, JSON.stringify({ accounts }, null, 2));
  return path;
}

export interface AccountsService extends RunningService {
  prefix: string;
  dir: string;
  logs: CapturedLog;
  /** The test's own view of the shard queues. */
  queues: StartQueues;
  /** Queues a start for `account` (undefined: a job of the shape stored before accounts). */
  enqueue(account: string | undefined, meetingId: string, uuid?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The real service with `ACCOUNTS_FILE` (worker role unless `env.ROLE` says otherwise) against a
 * fake Zoom of several accounts. `env` holds the secrets the file refers to.
 */
export async function startAccountsService(
  zoom: AccountsZoom,
  dir: string,
  accounts: AccountEntry[],
  env: Record<string, string> = {},
): Promise<AccountsService> {
  const prefix = env.QUEUE_PREFIX ?? uniquePrefix();
  const fullEnv: Record<string, string> = {
    REDIS_URL: redisUrl(),
    PORT: '0',
    HOST: '127.0.0.1',
    ROLE: 'worker',
    ACCOUNTS_FILE: writeAccountsFile(dir, accounts),
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    LIVESTREAM_RETRY_DELAY_MS: '300',
    LIVESTREAM_BACKOFF_BASE_MS: '50',
    LIVESTREAM_BACKOFF_MAX_MS: '200',
    ZOOM_HTTP_TIMEOUT_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '3000',
    RECONCILE_INTERVAL_MS: '0',
    ...env,
    QUEUE_PREFIX: prefix,
  };
  const config = loadConfig(fullEnv);
  const logs = captureLog('debug');
  const service = await runService(config, logs.log, fullEnv);
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queues = createStartQueues({
    connection,
    prefix,
    shards: config.redis.queueShards,
    log: logs.log,
  });
  return {
    ...service,
    prefix,
    dir,
    logs,
    queues,
    async enqueue(account, meetingId, uuid = `u-${meetingId}`) {
      const data: StartJobData = {
        kind: 'meeting',
        meetingId,
        uuid,
        topic: `meeting ${meetingId}`,
        receivedAt: Date.now(),
        source: 'webhook',
        ...(account !== undefined && { account }),
      };
      const { jobId } = await enqueueStart(await queues.forAccount(account ?? 'default'), data);
      return jobId;
    },
    stop: async () => {
      await service.close();
      await queues.close();
      connection.disconnect();
    },
  };
}

/** A new temp directory for an accounts file and the files it names. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'zlw-accounts-'));

/**
 * An accounts file for every account the sandbox plays, its secrets as `${VAR}` references, and
 * the variables they name: what a deployment against the sandbox is started with.
 */
export function sandboxAccountsFile(zoom: {
  accounts(): readonly {
    name: string;
    credentials: { accountId: string; clientId: string; clientSecret: string };
    webhookSecret: string;
  }[];
}): { ACCOUNTS_FILE: string } & Record<string, string> {
  const env: Record<string, string> = {};
  const entries = zoom.accounts().map((a) => {
    const v = a.name.toUpperCase().replace(/-/g, '_');
    env[`${v}_SECRET`] = a.credentials.clientSecret;
    env[`${v}_HOOK`] = a.webhookSecret;
    return {
      name: a.name,
      zoom_account_id: a.credentials.accountId,
      client_id: a.credentials.clientId,
      client_secret: `\${${v}_SECRET}`,
      webhook_secret_token: `\${${v}_HOOK}`,
    };
  });
  return { ...env, ACCOUNTS_FILE: writeAccountsFile(tempDir(), entries) };
}
