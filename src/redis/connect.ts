import { Cluster, Redis } from 'ioredis';
import type { RedisMode } from '../config/redis-config';

/** A connection in any mode: ioredis' own client (standalone, Sentinel) or its Cluster client. */
export type RedisConnection = Redis | Cluster;

/** The mode with the embedded Redis' URL filled in for standalone. */
export type ConnectMode =
  | Exclude<RedisMode, { kind: 'standalone' }>
  | { kind: 'standalone'; url: string; password?: string | undefined };

/** How one role's connection behaves, whatever the mode. */
export interface RoleOptions {
  /** Queue commands while disconnected (workers) or fail them at once (receiver, CLI). */
  offlineQueue: boolean;
  /** `null`: retry a command until Redis answers (BullMQ workers require it). */
  maxRetriesPerRequest: number | null;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  autoPipelining?: boolean;
  /** Delay before reconnect attempt `times`; `null` gives up. */
  retryDelay: (times: number) => number | null;
}

/**
 * Turns the configured mode into one ioredis client for a role: a URL, ioredis' Sentinel support
 * (it asks the sentinels for the master and follows a failover), or ioredis' Cluster client (it
 * follows MOVED/ASK and slot changes). BullMQ duplicates these for its blocking connections,
 * keeping the mode. Keys must share one hash tag in cluster mode: see `hashTag`.
 */
export function connect(mode: ConnectMode, role: RoleOptions): RedisConnection {
  // Not annotated as RedisOptions: under exactOptionalPropertyTypes its optional `replyMapping`
  // (ioredis 6) would not be accepted back by the constructors.
  const common = {
    maxRetriesPerRequest: role.maxRetriesPerRequest,
    connectTimeout: role.connectTimeoutMs ?? 10_000,
    ...(role.commandTimeoutMs !== undefined && { commandTimeout: role.commandTimeoutMs }),
  };
  const retryStrategy = (times: number): number | null => role.retryDelay(times);
  switch (mode.kind) {
    case 'standalone':
      return new Redis(mode.url, {
        ...common,
        ...(mode.password !== undefined && { password: mode.password }),
        enableOfflineQueue: role.offlineQueue,
        enableAutoPipelining: role.autoPipelining ?? false,
        retryStrategy,
      });
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: mode.sentinels,
        name: mode.masterName,
        ...(mode.password !== undefined && { password: mode.password }),
        ...(mode.sentinelPassword !== undefined && { sentinelPassword: mode.sentinelPassword }),
        // TLS to the data nodes (tls + enableTLSForSentinelMode) and to the sentinels (sentinelTLS).
        ...(mode.tls && { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} }),
        // Asks the sentinels again on every reconnect, so a promoted replica is found. A master
        // demoted while still up answers READONLY: reconnecting asks the sentinels again too.
        // (ioredis' failoverDetector is left off: when it fires while a connection is being
        // re-established, that connection ends for good.)
        sentinelRetryStrategy: retryStrategy,
        reconnectOnError: (err) => err.message.startsWith('READONLY'),
        enableOfflineQueue: role.offlineQueue,
        enableAutoPipelining: role.autoPipelining ?? false,
        retryStrategy,
      });
    case 'cluster':
      return new Cluster(mode.nodes, {
        redisOptions: {
          ...common,
          ...(mode.password !== undefined && { password: mode.password }),
          ...(mode.tls && { tls: {} }),
        },
        enableOfflineQueue: role.offlineQueue,
        enableAutoPipelining: role.autoPipelining ?? false,
        clusterRetryStrategy: retryStrategy,
        // A failover moves slots: wait for the new owner rather than failing the command.
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        slotsRefreshTimeout: 2000,
      });
  }
}

/** Where the connection points, for logs: never a password. */
export function describeMode(mode: ConnectMode): Record<string, unknown> {
  switch (mode.kind) {
    case 'standalone':
      return { mode: 'standalone', url: mode.url.replace(/\/\/[^@/]*@/, '//***@') };
    case 'sentinel':
      return {
        mode: 'sentinel',
        master: mode.masterName,
        sentinels: mode.sentinels.map((s) => `${s.host}:${s.port}`),
        tls: mode.tls,
      };
    case 'cluster':
      return {
        mode: 'cluster',
        nodes: mode.nodes.map((s) => `${s.host}:${s.port}`),
        tls: mode.tls,
      };
  }
}
