import express from 'express';

// Baseline for the receiver: a bare Express 5 app that reads the raw body and answers 204.
const app = express();
app.post('/webhooks/zoom', express.raw({ type: () => true, limit: 262_144 }), (_req, res) => {
  res.status(204).end();
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
