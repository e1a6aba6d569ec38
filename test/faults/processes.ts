import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ZoomSandbox } from '../../src/sandbox/zoom-sandbox';
import { eventually } from '../support/service';
import { SECRET } from '../support/webhook';

const ROOT = join(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  kill: (signal: NodeJS.Signals) => Promise<number | string>;
}

/** The real CLI (`start`) in a child process, pointed at `redisUrl` and the sandbox. */
export async function spawnService(
  role: 'all' | 'receiver' | 'worker',
  redisUrl: string,
  prefix: string,
  zoom: ZoomSandbox,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'start', '--role', role],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
        ZOOM_ACCOUNT_ID: zoom.credentials.accountId,
        ZOOM_CLIENT_ID: zoom.credentials.clientId,
        ZOOM_CLIENT_SECRET: zoom.credentials.clientSecret,
        ZOOM_API_BASE_URL: zoom.apiBaseUrl,
        ZOOM_OAUTH_TOKEN_URL: zoom.oauthTokenUrl,
        WORKER_LOCK_DURATION_MS: '2000',
        LIVESTREAM_BACKOFF_BASE_MS: '100',
        ZOOM_HTTP_TIMEOUT_MS: '1000',
        SHUTDOWN_TIMEOUT_MS: '5000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const started = await eventually(
    () => /"url":"(http:[^"]+)"[^}]*"msg":"service started"/.exec(output)?.[1],
    30_000,
  ).catch(() => {
    child.kill('SIGKILL');
    throw new Error(`service did not start:\n${output}`);
  });
  return {
    child,
    url: started,
    output: () => output,
    exited,
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Successful start calls (204) the sandbox answered, per meeting id. */
export function startsPerMeeting(answers: { path: string; status: number }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of answers) {
    const id = /\/(?:meetings|webinars)\/(\d+)\/livestream\/status/.exec(a.path)?.[1];
    if (id && a.status === 204) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** A private Redis (AOF on), the sandbox recording its answers, and processes started against them. */
export interface FaultWorld {
  redis: import('../../src/redis/embedded-redis').EmbeddedRedis & { dir: string };
  zoom: ZoomSandbox;
  answers: { path: string; status: number; at: number }[];
  service: (
    role: 'all' | 'receiver' | 'worker',
    env?: Record<string, string>,
  ) => Promise<ServiceProcess>;
  statusCalls: () => import('../../src/sandbox/zoom-sandbox').RecordedRequest[];
  close: () => Promise<void>;
}

export async function createFaultWorld(
  rateLimitedStarts = 0,
  prefix = 'faults',
): Promise<FaultWorld> {
  const { startPrivateRedis } = await import('../support/redis');
  const { startZoomSandbox } = await import('../../src/sandbox/zoom-sandbox');
  const redis = await startPrivateRedis();
  const answers: FaultWorld['answers'] = [];
  const zoom = await startZoomSandbox({
    rateLimitedStarts,
    onAnswer: (req, status) => answers.push({ path: req.path, status, at: Date.now() }),
  });
  const running: ServiceProcess[] = [];
  const world: FaultWorld = {
    redis,
    zoom,
    answers,
    service: async (role, env = {}) => {
      const p = await spawnService(role, world.redis.url, prefix, zoom, env);
      running.push(p);
      return p;
    },
    statusCalls: () => zoom.requests.filter((r) => r.path.endsWith('/livestream/status')),
    close: async () => {
      for (const p of running)
        if (p.child.exitCode === null && p.child.signalCode === null) await p.kill('SIGKILL');
      await zoom.close();
      await world.redis.stop();
    },
  };
  return world;
}
