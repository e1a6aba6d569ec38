import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ledger } from './ledger';

/** The alert endpoint (`ALERT_WEBHOOK_URL`): records each alert's type and meeting in the ledger. */
export async function startAlertSink(
  ledger: Ledger,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        const alert = JSON.parse(body) as { type?: string; meeting_id?: string; job_id?: string };
        ledger.alerts.push({
          at: Date.now(),
          type: String(alert.type),
          meetingId: String(alert.meeting_id),
          jobId: String(alert.job_id),
        });
      } catch {
        ledger.alerts.push({ at: Date.now(), type: 'unreadable', meetingId: '-', jobId: '-' });
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
