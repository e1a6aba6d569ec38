import { writeFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { LIVESTREAM_QUEUE } from '../../src/queue/start-queue';
import { shardPrefix } from '../../src/queue/shards';
import type { StartJobData } from '../../src/domain/start-job';
import { tempFile } from './files';
import { redisUrl } from './redis';
import { startTestService, type TestService } from './service';

/** One account of a test's accounts file: its secret is `${<NAME>_SECRET}`, set by the test. */
export interface FileAccount {
  name: string;
  zoomAccountId: string;
  /** Read the secret from this file (`webhook_secret_token_file`) instead. */
  secretFile?: string;
}

export const secretOf = (name: string): string => `${name}-webhook-secret`;
const variableOf = (name: string): string => `${name.toUpperCase().replace(/-/g, '_')}_SECRET`;

/** The YAML of an accounts file holding `accounts`, secrets as `${VAR}` references. */
export function accountsYaml(accounts: readonly FileAccount[]): string {
  const entries = accounts.map(
    (a) =>
      `  - name: ${a.name}\n    zoom_account_id: ${a.zoomAccountId}\n` +
      (a.secretFile === undefined
        ? `    webhook_secret_token: \${${variableOf(a.name)}}\n`
        : `    webhook_secret_token_file: ${a.secretFile}\n`),
  );
  return `accounts:\n${entries.join('')}`;
}

export interface AccountsService extends TestService {
  file: string;
  /** Rewrites the accounts file with `accounts` and reloads it, as SIGHUP does. */
  rewrite(accounts: readonly FileAccount[]): void;
  /** The start queue of shard `n` (the test's own view of it). */
  shardQueue(n: number): Queue<StartJobData>;
}

/**
 * A receiver serving `accounts` from an `ACCOUNTS_FILE`; the secrets of `known` (default: the
 * accounts) are in its environment, so a later rewrite may add those.
 */
export async function startAccountsService(
  accounts: readonly FileAccount[],
  env: Record<string, string> = {},
  known: readonly FileAccount[] = accounts,
): Promise<AccountsService> {
  const file = tempFile('accounts.yaml', accountsYaml(accounts));
  const secrets = Object.fromEntries(known.map((a) => [variableOf(a.name), secretOf(a.name)]));
  const service = await startTestService({
    ACCOUNTS_FILE: file,
    ZOOM_WEBHOOK_SECRET_TOKEN: '',
    ...secrets,
    ...env,
  });
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queues: Queue<StartJobData>[] = [];
  return {
    ...service,
    file,
    rewrite(next) {
      writeFileSync(file, accountsYaml(next));
      service.reloadRules();
    },
    shardQueue(n) {
      const queue = new Queue<StartJobData>(LIVESTREAM_QUEUE, {
        connection,
        prefix: shardPrefix(service.prefix, n),
      });
      queues.push(queue);
      return queue;
    },
    stop: async () => {
      await service.stop();
      for (const queue of queues) await queue.close();
      connection.disconnect();
    },
  };
}
