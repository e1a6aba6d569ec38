import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Config } from '../config/load-config';
import { listenWithLimits } from './http-limits';
import type { Closer } from './shutdown';

/** Listens with the configured limits, closes with the service; resolves with the base URL. */
export async function serveHttp(app: Express, config: Config, closers: Closer[]): Promise<string> {
  const server = await listenWithLimits(app, config.http.port, config.http.host, config.http);
  closers.push({
    name: 'HTTP server',
    close: () => closeServer(server),
    abort: () => server.closeAllConnections(),
  });
  return baseUrl(server.address() as AddressInfo);
}

/** `http://host:port`, with a wildcard address reached on the loopback. */
function baseUrl(address: AddressInfo): string {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeIdleConnections();
  });
}
