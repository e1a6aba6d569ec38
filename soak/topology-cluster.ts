import { Redis } from 'ioredis';
import { startCluster } from '../test/support/redis-topology';
import { PASSWORD, type SoakRedis, type SoakRedisNode } from './topology';

/**
 * Three Cluster masters (no replicas: a master killed is an outage, so the cluster's "kill" is a
 * pause), for `--redis cluster`.
 */
export async function startSoakCluster(): Promise<SoakRedis> {
  const cluster = await startCluster(PASSWORD);
  const nodes: SoakRedisNode[] = cluster.nodes.map((n) => ({
    port: n.port,
    pid: () => n.process.pid,
    kill: () => n.kill(),
    restart: () => Promise.reject(new Error('cluster nodes are not restarted by the soak')),
    pause: async (ms) => {
      n.process.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, ms));
      n.process.kill('SIGCONT');
    },
  }));
  return {
    mode: 'cluster',
    env: {
      REDIS_CLUSTER_NODES: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
      REDIS_PASSWORD: PASSWORD,
    },
    secrets: [PASSWORD],
    masters: () => Promise.resolve(nodes),
    replicas: () => Promise.resolve([]),
    client: () => new Redis(nodes[0]!.port, '127.0.0.1', { password: PASSWORD }),
    stop: () => cluster.stop(),
  };
}
