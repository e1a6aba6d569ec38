import type { SandboxChaos } from '../src/sandbox/sandbox-chaos';
import type { Fleet } from './fleet';
import type { FaultRecord, Ledger } from './ledger';
import type { Random } from './random';
import { ZOOM_FAULTS, type ScheduledFault, type ZoomFaultKind } from './schedule';
import type { SoakRedis } from './topology';

export interface InjectDeps {
  ledger: Ledger;
  chaos: SandboxChaos;
  fleet: Fleet;
  redis: SoakRedis;
  random: Random;
  log: (line: string) => void;
}

const isZoomFault = (kind: string): kind is ZoomFaultKind =>
  (ZOOM_FAULTS as readonly string[]).includes(kind);

/**
 * Carries out one scheduled fault and records it in the ledger with when it really began and
 * ended (a deploy ends when its last worker is ready again). Zoom faults open a chaos window;
 * process faults kill, stop or pause real processes.
 */
export async function inject(fault: ScheduledFault, deps: InjectDeps): Promise<void> {
  const { ledger, random } = deps;
  const record: FaultRecord = {
    kind: fault.kind,
    at: Date.now(),
    until: Date.now() + fault.durationMs,
    ...(fault.account !== undefined && { account: fault.account }),
    ...(fault.expireTokens === true && {
      detail: 'tokens issued before it expire (401, code 124)',
    }),
  };
  ledger.faults.push(record);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  if (isZoomFault(fault.kind)) {
    deps.chaos.open({
      fault: fault.kind,
      until: record.until,
      ...(fault.account !== undefined && { account: fault.account }),
      ...(fault.probability !== undefined && { probability: fault.probability }),
      ...(fault.retryAfterSeconds !== undefined && { retryAfterSeconds: fault.retryAfterSeconds }),
      ...(fault.delayMs !== undefined && { delayMs: fault.delayMs }),
      ...(fault.expireTokens === true && { expireTokens: true }),
    });
    return;
  }
  try {
    switch (fault.kind) {
      case 'worker_kill':
      case 'receiver_kill': {
        const pool = fault.kind === 'worker_kill' ? deps.fleet.workers() : deps.fleet.receivers();
        const victim = pool.length > 0 ? random.pick(pool) : undefined;
        record.detail = victim ? `SIGKILL pid ${victim.pid}` : 'none running';
        if (victim) await deps.fleet.crash(victim, fault.durationMs);
        break;
      }
      case 'deploy': {
        const { exitCodes } = await deps.fleet.rollWorkers();
        record.detail = `SIGTERM to each worker; exit codes ${exitCodes.join(', ')}`;
        break;
      }
      case 'master_kill': {
        const [master] = await deps.redis.masters();
        if (!master) break;
        if (deps.redis.mode === 'cluster') {
          record.detail = `cluster: master on ${master.port} paused (no replica to fail over to)`;
          await master.pause(fault.durationMs);
          break;
        }
        record.detail = `SIGKILL master on port ${master.port}; restarted as a replica`;
        await master.kill();
        await sleep(fault.durationMs);
        await master.restart();
        break;
      }
      case 'replica_lag': {
        const replicas = await deps.redis.replicas();
        const replica = replicas.length > 0 ? random.pick(replicas) : undefined;
        if (!replica) record.kind = 'replica_lag (n/a: no replicas)';
        record.detail = replica
          ? `SIGSTOP replica on port ${replica.port}`
          : 'no replica (cluster)';
        if (replica) await replica.pause(fault.durationMs);
        break;
      }
      case 'redis_pause': {
        const [master] = await deps.redis.masters();
        record.detail = master ? `SIGSTOP master on port ${master.port}` : 'no master';
        if (master) await master.pause(fault.durationMs);
        break;
      }
    }
  } catch (err) {
    record.detail = `${record.detail ?? ''} failed: ${(err as Error).message}`;
    deps.log(`fault ${fault.kind} failed: ${(err as Error).message}`);
  }
  record.until = Math.max(record.until, Date.now());
}
