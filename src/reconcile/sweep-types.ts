import type { Queue } from 'bullmq';
import type { Alert } from '../alerts/alerts';
import type { ReconcileUsers } from '../config/reconcile-config';
import { DEFAULT_ACCOUNT } from '../domain/account';
import type { StartJobData } from '../domain/start-job';
import type { Logger } from '../logging/create-logger';
import type { Rule } from '../policy/rules';
import type { RedisConnection } from '../redis/connect';
import type { ListClient } from './list-client';

/** What a sweep needs: the list client, the queue it adds starts to, and who the users are. */
export interface SweepDeps {
  /** The account swept (its starts carry it); default: the `default` account. */
  account?: string;
  list: ListClient;
  /** The start queue of the account's shard. */
  queue: Queue<StartJobData>;
  /** For preflight's marks of checked occurrences (under the queue's prefix). */
  redis: RedisConnection;
  users: ReconcileUsers;
  rules: () => readonly Rule[];
  /** 0: no preflight. */
  preflightLeadMs: number;
  alert?: (alert: Alert) => Promise<unknown>;
  log: Logger;
  now?: () => number;
  /** A start the sweep queued (the webhook never came). */
  onReconciled?: () => void;
  /** True once the service is shutting down: the sweep stops between calls. */
  stopping?: () => boolean;
}

export interface SweepReport {
  users: number;
  live: number;
  /** Starts queued by this sweep (no start job existed for the instance). */
  queued: number;
  upcoming: number;
  preflightFailed: number;
  /** List calls that failed (5xx, timeout, reset): the sweep went on with the next user. */
  failed: number;
  /** Why the sweep ended early, if it did. */
  stoppedBy?: string;
  /** Set when Zoom answered a list call 429 with a Retry-After: no sweep before then. */
  backoffMs?: number;
}

/**
 * A key or id the sweep keeps for `account`: the default account keeps the name it had before
 * accounts existed (so an upgraded deployment keeps its rotation point and preflight marks);
 * another account gets its name in front, as its start job ids do (`campus.meeting-…`).
 */
export function accountScoped(account: string | undefined, base: string): string {
  return account === undefined || account === DEFAULT_ACCOUNT ? base : `${account}.${base}`;
}
