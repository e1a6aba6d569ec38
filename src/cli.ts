#!/usr/bin/env -S node --max-semi-space-size=16
import { constants } from 'node:os';
import { runCli } from './cli/run-cli';
import { EXIT } from './cli/io';
import { printableLines } from './domain/plain-text';

// The only place that touches the process: arguments, environment, streams, signals, exit.

/**
 * A repeat within this long is the same request: under `npm start`, one Ctrl-C reaches the
 * service twice (from the terminal, and forwarded by npm).
 */
const SAME_REQUEST_MS = 1000;
let graceful = false;
let first: { signal: string; at: number } | undefined;
let requestStop: (signal: string) => void = () => undefined;
const stopSignal = new Promise<string>((resolve) => (requestStop = resolve));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    const at = performance.now();
    if (graceful && first === undefined) {
      first = { signal, at };
      return requestStop(signal);
    }
    if (first && at - first.at < SAME_REQUEST_MS) return;
    // A command that does not wait for the signal (or a second signal): end now. The embedded
    // Redis this process started is sent SIGTERM on the way out.
    if (first)
      process.stderr.write(
        `zoom-livestream-worker: ${signal} during shutdown: exiting now, without finishing it\n`,
      );
    process.exit(128 + constants.signals[signal]);
  });
}
process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `zoom-livestream-worker: unhandled rejection: ${printableLines(reason instanceof Error ? reason.message : String(reason))}\n`,
  );
  process.exit(EXIT.failure);
});

runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stopSignal: () => ((graceful = true), stopSignal),
  onReload: (handler) => void process.on('SIGHUP', handler),
  ...(process.stdout.isTTY && { columns: process.stdout.columns }),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `zoom-livestream-worker: ${printableLines(err instanceof Error ? err.message : String(err))}\n`,
    );
    process.exit(EXIT.failure);
  },
);
