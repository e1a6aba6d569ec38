import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { StartJobData } from '../../src/domain/start-job';
import { enqueueStart } from '../../src/queue/start-queue';
import { createStartQueues, type StartQueues } from '../../src/queue/start-queues';
import { writeSandboxAccountsFile } from '../../src/sandbox/sandbox-accounts-file';
import type { AccountsZoom } from './accounts-zoom';
import { redisUrl } from './redis';
import { startTestService, type TestService } from './service';

/** One entry of the accounts file, in the file's own words (secrets as `${VAR}` or `*_file`). */
export type AccountEntry = Record<string, string | number>;

/** Writes an accounts file (JSON, which is YAML) into `dir` and returns its path. */
export function writeAccountsFile(dir: string, accounts: readonly AccountEntry[]): string {
  const path = join(dir, 'accounts.yaml');
  writeFileSync(path, JSON.stringify({ accounts }, null, 2));
  return path;
}

/** A new temp directory for an accounts file and the files it names. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'zlw-accounts-'));

export interface AccountsService extends TestService {
  dir: string;
  /** The accounts file. */
  file: string;
  /** The test's own view of the shard queues. */
  queues: StartQueues;
  /** Queues a start for `account` (undefined: a job of the shape stored before accounts). */
  enqueue(account: string | undefined, meetingId: string, uuid?: string): Promise<string>;
  /** Rewrites the accounts file with `accounts` and reloads it, as SIGHUP does. */
  rewrite(accounts: readonly AccountEntry[]): void;
}

export interface AccountsServiceOptions {
  /** A fake Zoom of several accounts; with it the service is a worker unless `env.ROLE` says otherwise. */
  zoom?: AccountsZoom;
  /** Where the accounts file is written (default: a new temp directory). */
  dir?: string;
}

/**
 * The real service with an `ACCOUNTS_FILE` holding `accounts`; a receiver, or with `options.zoom`
 * a worker against that fake Zoom. `env` holds the secrets the file refers to.
 */
export async function startAccountsService(
  accounts: readonly AccountEntry[],
  env: Record<string, string> = {},
  options: AccountsServiceOptions = {},
): Promise<AccountsService> {
  const { zoom, dir = tempDir() } = options;
  const file = writeAccountsFile(dir, accounts);
  const service = await startTestService({
    ACCOUNTS_FILE: file,
    ZOOM_WEBHOOK_SECRET_TOKEN: '', // the file holds every secret; ZOOM_* beside it is refused
    LIVESTREAM_BACKOFF_MAX_MS: '200',
    RECONCILE_INTERVAL_MS: '0',
    ...(zoom && {
      ROLE: 'worker',
      ZOOM_API_BASE_URL: zoom.apiBaseUrl,
      ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
    }),
    ...env,
  });
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queues = createStartQueues({
    connection,
    prefix: service.prefix,
    shards: Number(env.QUEUE_SHARDS ?? 1),
    log: service.logs.log,
  });
  return {
    ...service,
    dir,
    file,
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
    rewrite(next) {
      writeAccountsFile(dir, next);
      service.reloadRules();
    },
    stop: async () => {
      await service.stop();
      await queues.close();
      connection.disconnect();
    },
  };
}

/** An account of a receiver test: its webhook secret is `${<NAME>_SECRET}`, or the file `secretFile`. */
export interface HookAccount {
  name: string;
  zoomAccountId: string;
  secretFile?: string;
}

export const secretOf = (name: string): string => `${name}-webhook-secret`;

/** The receiver tests' accounts (with `QUEUE_SHARDS=3`: south in shard 1, north in 2). */
export const NORTH: HookAccount = { name: 'north', zoomAccountId: 'north-zoom-id' };
export const SOUTH: HookAccount = { name: 'south', zoomAccountId: 'south-zoom-id' };
export const EAST: HookAccount = { name: 'east', zoomAccountId: 'east-zoom-id' };
const variableOf = (name: string): string => `${name.toUpperCase().replace(/-/g, '_')}_SECRET`;

/** The accounts file's entries of `accounts`: each with its Zoom account id and webhook secret. */
export const hookEntries = (accounts: readonly HookAccount[]): AccountEntry[] =>
  accounts.map((a) => ({
    name: a.name,
    zoom_account_id: a.zoomAccountId,
    ...(a.secretFile === undefined
      ? { webhook_secret_token: `\${${variableOf(a.name)}}` }
      : { webhook_secret_token_file: a.secretFile }),
  }));

/** The variables holding the webhook secrets of `accounts` (see {@link secretOf}). */
export const hookSecrets = (accounts: readonly HookAccount[]): Record<string, string> =>
  Object.fromEntries(accounts.map((a) => [variableOf(a.name), secretOf(a.name)]));

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
  const accounts = zoom
    .accounts()
    .map((a) => ({ name: a.name, ...a.credentials, webhookSecret: a.webhookSecret }));
  const { file, env } = writeSandboxAccountsFile(tempDir(), accounts, 'TEST');
  return { ...env, ACCOUNTS_FILE: file };
}

/**
 * A receiver serving `accounts`; the webhook secrets of `known` (default: the accounts) are in
 * its environment, so a later rewrite may add those accounts.
 */
export const startHookAccounts = (
  accounts: readonly HookAccount[],
  env: Record<string, string> = {},
  known: readonly HookAccount[] = accounts,
): Promise<AccountsService> =>
  startAccountsService(hookEntries(accounts), { ...hookSecrets(known), ...env });
