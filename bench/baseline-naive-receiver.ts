import { createHmac, timingSafeEqual } from 'node:crypto';
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';

// Baseline for the receiver: what a user would write instead. express.json keeps the raw bytes
// for the HMAC, the signature is checked, and the start is a queue.add with the uuid as job id
// (BullMQ deduplicates on it). One account, one secret; no replica wait, no limits of its own.
const secret = process.env.NAIVE_SECRET ?? '';
const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
const queue = new Queue('livestream', { connection, prefix: process.env.QUEUE_PREFIX ?? 'naive' });
type Raw = { rawBody?: Buffer };

const app = express();
app.post(
  '/webhooks/zoom',
  express.json({ limit: 262_144, verify: (req, _res, buf) => ((req as Raw).rawBody = buf) }),
  async (req, res) => {
    const ts = String(req.headers['x-zm-request-timestamp'] ?? '');
    const given = Buffer.from(String(req.headers['x-zm-signature'] ?? ''));
    const mac = createHmac('sha256', secret).update(`v0:${ts}:`);
    mac.update((req as Raw).rawBody ?? Buffer.alloc(0));
    const expected = Buffer.from(`v0=${mac.digest('hex')}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).end();
      return;
    }
    const body = req.body as { payload: { object: { id: number; uuid: string } } };
    const { id, uuid } = body.payload.object;
    const jobId = `meeting-${Buffer.from(uuid).toString('base64url')}`;
    await queue.add('start', { meetingId: String(id), uuid, receivedAt: Date.now() }, { jobId });
    res.status(204).end();
  },
);
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
