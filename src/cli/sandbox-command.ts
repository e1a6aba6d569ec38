import { startZoomSandbox } from '../sandbox/zoom-sandbox';
import { EXIT, type CliIo } from './io';

/** `sandbox`: a local Zoom (OAuth, livestream and list endpoints) to develop against. */
export async function sandboxCommand(
  io: CliIo,
  options: { port: string; host: string; rateLimitedStarts: string; liveMeeting?: string },
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
  const live =
    options.liveMeeting !== undefined
      ? sandbox.declareMeeting({ id: Number(options.liveMeeting) })
      : undefined;
  io.out(
    [
      `Zoom sandbox listening on ${sandbox.origin}`,
      ...(live
        ? [
            `Meeting ${live.id} is live (host ${live.hostId}, instance ${live.uuid}); no webhook is sent for it.`,
          ]
        : []),
      `Declare more: curl -X POST ${sandbox.origin}/sandbox/meetings -d '{"id":85012345678}' (live; "status":"upcoming" and "startTime" for preflight)`,
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
