import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router } from 'express';
import type { Queue } from 'bullmq';
import { basicAuth } from './basic-auth';
import { withoutCdnFonts } from './without-cdn-fonts';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board at `/admin/queues` behind basic auth: every start job with its state, data, progress
 * (attempt history, next attempt and why) and failure reason. Read-only: retries go through the
 * CLI, which resets the job's counters and deadline.
 */
export function createDashboardRouter(queue: Queue, username: string, password: string): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(queue, { readOnlyMode: true, description: 'Zoom livestream starts' }),
    ],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Livestream starts' } },
  });
  const router = Router();
  router.use(
    DASHBOARD_PATH,
    basicAuth(username, password, 'zoom-livestream-worker'),
    withoutCdnFonts,
    adapter.getRouter() as Router,
  );
  return router;
}
