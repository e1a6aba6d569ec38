import { z } from 'zod';
import { hashTag } from '../domain/hash-tag';
import { bool, int, required, type VariableSpec } from './schemas';

export interface HostPort {
  host: string;
  port: number;
}

/** How the service reaches Redis: exactly one mode (the embedded Redis is standalone without URL). */
export type RedisMode =
  | { kind: 'standalone'; url: string | undefined; password?: string | undefined }
  | {
      kind: 'sentinel';
      sentinels: HostPort[];
      masterName: string;
      password: string | undefined;
      sentinelPassword: string | undefined;
      tls: boolean;
    }
  | { kind: 'cluster'; nodes: HostPort[]; password: string | undefined; tls: boolean };

/** `host:port`, `[v6]:port`; the whole list is reported entry by entry. */
const hostPortList = z.string().transform((raw, ctx): HostPort[] => {
  const list: HostPort[] = [];
  const bad: string[] = [];
  for (const entry of raw.split(',').map((s) => s.trim())) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(entry);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) bad.push(JSON.stringify(entry));
    else list.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port });
  }
  if (bad.length > 0)
    ctx.addIssue({ code: 'custom', message: `not host:port (port 1-65535): ${bad.join(', ')}` });
  return list;
});

/** The Redis variables (part of the config's VARIABLES table). */
export const REDIS_VARIABLES = {
  REDIS_URL: {
    schema: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .refine(
        (u) => URL.canParse(u) && new URL(u).hostname !== '',
        'must be one redis:// or rediss:// URL with one host (several nodes: REDIS_CLUSTER_NODES or REDIS_SENTINELS)',
      ),
    secret: true, // may carry a password
  },
  REDIS_SENTINELS: { schema: hostPortList },
  REDIS_SENTINEL_MASTER: { schema: required },
  REDIS_SENTINEL_PASSWORD: { schema: z.string().min(1), secret: true },
  REDIS_CLUSTER_NODES: { schema: hostPortList },
  REDIS_PASSWORD: { schema: z.string().min(1), secret: true },
  REDIS_TLS: { schema: bool, default: 'false' },
  REDIS_MIN_REPLICAS_ACK: { schema: int(0, 16), default: '0' },
  REDIS_DATA_DIR: { schema: required, default: './data/redis' },
  EMBEDDED_REDIS_RESTART_DELAY_MS: { schema: int(10, 600_000), default: '500' },
  EMBEDDED_REDIS_MAX_RESTARTS: { schema: int(0, 1000), default: '5' },
  EMBEDDED_REDIS_RESTART_WINDOW_MS: { schema: int(1000, 86_400_000), default: '60000' },
  QUEUE_PREFIX: {
    schema: z.string().regex(/^[\w{}-]{1,64}$/, 'must be 1-64 letters, digits, -, _, { or }'),
    default: 'zlw',
  },
  /** Queues the accounts are spread over, each under its own hash tag (see docs/accounts.md). */
  QUEUE_SHARDS: { schema: int(1, 64), default: '1' },
} satisfies Record<string, VariableSpec>;

type Raw = Record<string, string | undefined>;
const set = (env: Raw, name: string): boolean => (env[name] ?? '') !== '';

/** Problems between the Redis variables: one mode only, its companions, the cluster hash tag. */
export function redisProblems(env: Raw): string[] {
  const problems: string[] = [];
  const modes = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'].filter((n) => set(env, n));
  if (modes.length > 1)
    problems.push(`${modes.join(', ')}: set only one Redis mode (standalone, Sentinel or Cluster)`);
  const sentinel = set(env, 'REDIS_SENTINELS');
  const cluster = set(env, 'REDIS_CLUSTER_NODES');
  if (sentinel && !set(env, 'REDIS_SENTINEL_MASTER'))
    problems.push('REDIS_SENTINEL_MASTER: is required with REDIS_SENTINELS (the master name)');
  for (const name of ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_PASSWORD'])
    if (set(env, name) && !sentinel) problems.push(`${name}: is only used with REDIS_SENTINELS`);
  if (set(env, 'REDIS_TLS') && env.REDIS_TLS !== 'false' && !sentinel && !cluster)
    problems.push(
      'REDIS_TLS: is only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES (standalone: use a rediss:// REDIS_URL)',
    );
  if (set(env, 'REDIS_PASSWORD') && !sentinel && !cluster) {
    if (!set(env, 'REDIS_URL'))
      problems.push('REDIS_PASSWORD: the embedded Redis has no password; set REDIS_URL too');
    else if (/^rediss?:\/\/[^/@]*:[^/@]+@/.test(env.REDIS_URL ?? ''))
      problems.push('REDIS_PASSWORD: REDIS_URL carries a password already; set it in one place');
  }
  const prefix = env.QUEUE_PREFIX ?? 'zlw';
  if (cluster && hashTag(prefix) === undefined)
    problems.push(
      `QUEUE_PREFIX: Redis Cluster needs a hash tag in the prefix, such as {${prefix.replace(/[{}]/g, '') || 'zlw'}} ` +
        `(got ${JSON.stringify(prefix)}): every key of the service must live in one slot`,
    );
  return problems;
}

export interface RedisValues {
  REDIS_URL?: string | undefined;
  REDIS_SENTINELS?: HostPort[] | undefined;
  REDIS_SENTINEL_MASTER?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_CLUSTER_NODES?: HostPort[] | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_TLS?: boolean | undefined;
}

/** The mode the (validated) values select. */
export function redisMode(v: RedisValues): RedisMode {
  const tls = v.REDIS_TLS ?? false;
  if (v.REDIS_SENTINELS)
    return {
      kind: 'sentinel',
      sentinels: v.REDIS_SENTINELS,
      masterName: v.REDIS_SENTINEL_MASTER ?? '',
      password: v.REDIS_PASSWORD,
      sentinelPassword: v.REDIS_SENTINEL_PASSWORD,
      tls,
    };
  if (v.REDIS_CLUSTER_NODES)
    return { kind: 'cluster', nodes: v.REDIS_CLUSTER_NODES, password: v.REDIS_PASSWORD, tls };
  return { kind: 'standalone', url: v.REDIS_URL, password: v.REDIS_PASSWORD };
}
