import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../test/support/redis-topology';

/** A `redis-server` or `redis-sentinel` that can be killed, paused and started again on its port. */
export interface SoakRedisNode {
  port: number;
  pid(): number | undefined;
  kill(): Promise<void>;
  restart(): Promise<void>;
  pause(ms: number): Promise<void>;
}

export interface SoakRedis {
  mode: 'sentinel' | 'cluster';
  /** The service's Redis variables. */
  env: Record<string, string>;
  /** The secrets that must never reach a log line. */
  secrets: string[];
  /** The current master (Sentinel) or every master (Cluster). */
  masters(): Promise<SoakRedisNode[]>;
  replicas(): Promise<SoakRedisNode[]>;
  /** A client to the data (for memory figures). */
  client(): Redis;
  stop(): Promise<void>;
}

export const PASSWORD = 'soak-data-Pw71x';
const SENTINEL_PASSWORD = 'soak-sentinel-Pw93q';
const MASTER = 'soakmaster';

interface ManagedNode extends SoakRedisNode {
  start(): Promise<void>;
}

function node(dir: string, lines: string[], sentinel: boolean, port: number): ManagedNode {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'redis.conf');
  const base = [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'protected-mode yes'];
  writeFileSync(conf, [...base, ...lines].join('\n') + '\n');
  let child: ChildProcess | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const start = async (): Promise<void> => {
    child = spawn(sentinel ? 'redis-sentinel' : 'redis-server', [conf], { stdio: 'ignore' });
    await waitForPing(port, sentinel ? SENTINEL_PASSWORD : PASSWORD);
  };
  const self: ManagedNode = {
    port,
    start,
    pid: () => (alive() ? child?.pid : undefined),
    kill: async () => {
      if (!alive()) return;
      const gone = new Promise((r) => child!.once('exit', r));
      child!.kill('SIGKILL');
      await gone;
    },
    restart: async () => {
      await self.kill();
      await start();
    },
    pause: async (ms) => {
      if (!alive()) return;
      child!.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, ms));
      child!.kill('SIGCONT');
    },
  };
  return self;
}

async function waitForPing(port: number, password: string): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    const probe = new Redis(port, '127.0.0.1', {
      password,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return probe.disconnect();
    } catch {
      probe.disconnect();
    }
    if (Date.now() > until) throw new Error(`redis on port ${port} did not answer`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One master, two replicas, three sentinels (quorum 2), each restartable; fails over in ~3 s. */
export async function startSoakSentinel(dir: string): Promise<SoakRedis> {
  const data = [`requirepass ${PASSWORD}`, `masterauth ${PASSWORD}`, 'appendonly no'];
  const ports = await Promise.all([0, 1, 2, 3, 4, 5].map(() => freePort()));
  const datas = ports
    .slice(0, 3)
    .map((port, i) =>
      node(
        join(dir, `redis-${i}`),
        i === 0 ? data : [...data, `replicaof 127.0.0.1 ${ports[0]}`],
        false,
        port,
      ),
    );
  for (const d of datas) await d.start();
  const sentinels = ports
    .slice(3)
    .map((port, i) =>
      node(
        join(dir, `sentinel-${i}`),
        [
          `sentinel monitor ${MASTER} 127.0.0.1 ${ports[0]} 2`,
          `sentinel auth-pass ${MASTER} ${PASSWORD}`,
          `sentinel down-after-milliseconds ${MASTER} 2000`,
          `sentinel failover-timeout ${MASTER} 6000`,
          `requirepass ${SENTINEL_PASSWORD}`,
          `sentinel sentinel-pass ${SENTINEL_PASSWORD}`,
        ],
        true,
        port,
      ),
    );
  for (const s of sentinels) await s.start();
  const sentinelList = sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
  const masterPort = async (): Promise<number> => {
    const admin = new Redis(sentinels[0]!.port, '127.0.0.1', { password: SENTINEL_PASSWORD });
    try {
      const addr = (await admin.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER)) as string[];
      return Number(addr[1]);
    } finally {
      admin.disconnect();
    }
  };
  await waitForReplicas(ports[0]!);
  return {
    mode: 'sentinel',
    env: {
      REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      REDIS_SENTINEL_MASTER: MASTER,
      REDIS_PASSWORD: PASSWORD,
      REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
      REDIS_MIN_REPLICAS_ACK: '1',
    },
    secrets: [PASSWORD, SENTINEL_PASSWORD],
    masters: async () => {
      const port = await masterPort();
      return datas.filter((d) => d.port === port);
    },
    replicas: async () => {
      const port = await masterPort();
      return datas.filter((d) => d.port !== port);
    },
    client: () =>
      new Redis({
        sentinels: sentinelList,
        name: MASTER,
        password: PASSWORD,
        sentinelPassword: SENTINEL_PASSWORD,
        maxRetriesPerRequest: 1,
      }),
    stop: async () => void (await Promise.all([...datas, ...sentinels].map((n) => n.kill()))),
  };
}

async function waitForReplicas(masterPort: number): Promise<void> {
  const probe = new Redis(masterPort, '127.0.0.1', { password: PASSWORD });
  const until = Date.now() + 20_000;
  while (((await probe.info('replication')).match(/state=online/g) ?? []).length < 2) {
    if (Date.now() > until) throw new Error('replicas did not sync');
    await new Promise((r) => setTimeout(r, 100));
  }
  probe.disconnect();
}
