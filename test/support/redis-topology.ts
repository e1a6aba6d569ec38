import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { eventually } from './service';

/** One `redis-server` (or sentinel) process of a test topology, on loopback. */
export interface RedisNode {
  port: number;
  process: ChildProcess;
  /** SIGKILL, resolved when the process is gone. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts `redis-server <conf>` with `lines` as its configuration and waits until it answers. */
async function startNode(lines: string[], sentinel = false, password?: string): Promise<RedisNode> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'zlw-topology-'));
  const conf = join(dir, 'redis.conf');
  const base = [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'protected-mode yes'];
  writeFileSync(conf, [...base, ...lines].join('\n') + '\n');
  const child = spawn(sentinel ? 'redis-sentinel' : 'redis-server', [conf], {
    stdio: 'ignore',
  });
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  const node: RedisNode = {
    port,
    process: child,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone;
    },
  };
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(password !== undefined && { password }),
  });
  probe.on('error', () => undefined);
  await eventually(
    async () => {
      try {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    },
    10_000,
    50,
  );
  probe.disconnect();
  return node;
}

export interface TestCluster {
  nodes: RedisNode[];
  password: string;
  stop(): Promise<void>;
}

/** Three masters, slots spread by `redis-cli --cluster create`, with a password. */
export async function startCluster(password: string): Promise<TestCluster> {
  const nodes = await Promise.all(
    [0, 1, 2].map(() =>
      startNode(
        [
          'cluster-enabled yes',
          'cluster-node-timeout 2000',
          `requirepass ${password}`,
          `masterauth ${password}`,
          'appendonly no',
        ],
        false,
        password,
      ),
    ),
  );
  const stop = async (): Promise<void> => void (await Promise.all(nodes.map((n) => n.kill())));
  try {
    await promisify(execFile)('redis-cli', [
      '--no-auth-warning',
      '-a',
      password,
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const n of nodes) {
      const admin = new Redis(n.port, '127.0.0.1', { password });
      await eventually(async () => /cluster_state:ok/.test(await admin.cluster('INFO')), 15_000);
      admin.disconnect();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, password, stop };
}

export interface SentinelGroup {
  master: RedisNode;
  replicas: RedisNode[];
  sentinels: RedisNode[];
  masterName: string;
  stop(): Promise<void>;
}

/** One master, two replicas and three sentinels (quorum 2) that fail over within a few seconds. */
export async function startSentinelGroup(
  password: string,
  sentinelPassword: string,
): Promise<SentinelGroup> {
  const masterName = 'zlwmaster';
  const data = [
    `requirepass ${password}`,
    `masterauth ${password}`,
    'appendonly no',
    'repl-diskless-sync-delay 0',
  ];
  const master = await startNode(data, false, password);
  const replicas = await Promise.all(
    [0, 1].map(() => startNode([...data, `replicaof 127.0.0.1 ${master.port}`], false, password)),
  );
  const sentinels = await Promise.all(
    [0, 1, 2].map(() =>
      startNode(
        [
          `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 2`,
          `sentinel auth-pass ${masterName} ${password}`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 2`,
          `requirepass ${sentinelPassword}`,
          `sentinel sentinel-pass ${sentinelPassword}`,
        ],
        true,
        sentinelPassword,
      ),
    ),
  );
  const all = [master, ...replicas, ...sentinels];
  const group: SentinelGroup = {
    master,
    replicas,
    sentinels,
    masterName,
    stop: async () => void (await Promise.all(all.map((n) => n.kill()))),
  };
  // Ready when both replicas finished their first sync and every sentinel knows them and the others.
  const probe = new Redis(master.port, '127.0.0.1', { password });
  await eventually(
    async () => ((await probe.info('replication')).match(/state=online/g) ?? []).length === 2,
    20_000,
    100,
  );
  probe.disconnect();
  for (const s of sentinels) {
    const admin = new Redis(s.port, '127.0.0.1', { password: sentinelPassword });
    await eventually(
      async () => {
        const info = (await admin.call('SENTINEL', 'MASTER', masterName)) as string[];
        const field = (k: string) => Number(info[info.indexOf(k) + 1]);
        return field('num-slaves') === 2 && field('num-other-sentinels') === 2;
      },
      20_000,
      100,
    );
    admin.disconnect();
  }
  return group;
}
