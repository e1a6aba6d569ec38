import { startZoomSandbox } from '../sandbox/zoom-sandbox';
import { EXIT, type CliIo } from './io';

/** `sandbox`: a local Zoom (OAuth + livestream endpoints) to develop against. */
export async function sandboxCommand(
  io: CliIo,
  options: { port: string; host: string; rateLimitedStarts: string },
): Promise<number> {
  const sandbox = await startZoomSandbox({
    port: Number(options.port),
    host: options.host,
    rateLimitedStarts: Number(options.rateLimitedStarts),
    onAnswer: (req, status) =>
      io.out(
        `${new Date().toISOString().slice(11, 19)}  ${req.method} ${req.path.split('?')[0]} → ${status}\n`,
      ),
  });
  io.out(
    [
      `Zoom sandbox listening on ${sandbox.origin}`,
      `Each meeting's first ${options.rateLimitedStarts} start call(s) get 429 "retry after 30 seconds", then 204.`,
      'Point the service at it with:',
      `  ZOOM_API_BASE_URL=${sandbox.apiBaseUrl}`,
      `  ZOOM_OAUTH_TOKEN_URL=${sandbox.oauthTokenUrl}`,
      `  ZOOM_ACCOUNT_ID=${sandbox.credentials.accountId}`,
      `  ZOOM_CLIENT_ID=${sandbox.credentials.clientId}`,
      `  ZOOM_CLIENT_SECRET=${sandbox.credentials.clientSecret}`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await io.stopSignal();
  await sandbox.close();
  return EXIT.ok;
}
