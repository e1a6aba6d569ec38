import { spawn } from 'node:child_process';

/**
 * A stand-in Zoom in a process of its own, so the times it records are when calls really
 * arrived, whatever the test process (a loaded worker) is doing. It issues any token and answers
 * every livestream call 204.
 */
const SERVER = `
const http = require('node:http');
const arrivals = [];
const server = http.createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  if (req.url.startsWith('/oauth/token')) {
    res.setHeader('content-type', 'application/json');
    return void res.end(JSON.stringify({ access_token: 't', token_type: 'bearer', expires_in: 3600 }));
  }
  if (req.url === '/arrivals') return void res.end(JSON.stringify(arrivals));
  if (req.url.endsWith('/livestream/status')) arrivals.push(at);
  req.resume();
  req.on('end', () => res.writeHead(204).end());
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export interface ArrivalsServer {
  origin: string;
  arrivals(): Promise<number[]>;
  close(): void;
}

export async function startArrivalsServer(): Promise<ArrivalsServer> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`arrivals server exited with ${code}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    arrivals: async () => (await (await fetch(`${origin}/arrivals`)).json()) as number[],
    close: () => void child.kill('SIGKILL'),
  };
}

/** The most calls that arrived within any one window of `windowMs`. */
export function maxInWindow(arrivals: number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
