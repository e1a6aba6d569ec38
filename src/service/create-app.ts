import express, {
  type Express,
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import type { Logger } from '../logging/create-logger';
import type { EmbeddedRedisState } from '../redis/redis-supervisor';
import type { ReadinessReport } from './readiness';

export interface AppDeps {
  log: Logger;
  /** What this role needs, checked now; drives `/readyz`. */
  ready: () => Promise<ReadinessReport>;
  /** The embedded Redis' supervisor, when this process runs one: part of `/healthz`. */
  embeddedRedis?: () => EmbeddedRedisState;
  /** Routers mounted at `/` (the webhook receiver, metrics, the dashboard). */
  routers?: readonly Router[];
}

/**
 * The HTTP surface: `/healthz`, `/readyz` and whatever routers the role brings. `/healthz` says
 * whether the process can go on by itself (200 while its embedded Redis runs or is being
 * restarted; 503 once it gave up); `/readyz` whether it can do its work now.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    const redis = deps.embeddedRedis?.();
    const embeddedRedis = redis && {
      status: redis.status,
      ...(redis.status !== 'running' && { problem: redis.words }),
    };
    if (redis?.status === 'failed') res.status(503).json({ status: 'failing', embeddedRedis });
    else res.status(200).json({ status: 'ok', ...(embeddedRedis && { embeddedRedis }) });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await deps.ready();
    res.status(report.ready ? 200 : 503).json({
      ...(report.ready ? { status: 'ready' } : { status: 'not ready', problems: report.problems }),
      // What is wrong with part of the work (one account), not with this process.
      ...(report.warnings && report.warnings.length > 0 && { warnings: report.warnings }),
    });
  });
  for (const router of deps.routers ?? []) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such endpoint' });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    deps.log.error({ err: { message: (err as Error).message }, path: req.path }, 'request failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal', message: 'internal error' });
  });
  return app;
}
