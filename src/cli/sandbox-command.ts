import { isAccountName } from '../domain/account';
import { startZoomSandbox, type ZoomSandbox } from '../sandbox/zoom-sandbox';
import { EXIT, type CliIo } from './io';

export interface SandboxCommandOptions {
  port: string;
  host: string;
  rateLimitedStarts: string;
  liveMeeting?: string;
  /** Comma-separated account names: the sandbox plays each as its own Zoom account. */
  accounts?: string;
  /** Each account's API calls per second before an account-level 429. */
  accountRate?: string;
}

/** `sandbox`: a local Zoom (OAuth, livestream and list endpoints) to develop against. */
export async function sandboxCommand(io: CliIo, options: SandboxCommandOptions): Promise<number> {
  const names = options.accounts?.split(',').map((n) => n.trim());
  const bad = names?.filter((n) => !isAccountName(n)) ?? [];
  if (bad.length > 0 || (names && new Set(names).size !== names.length)) {
    io.err(
      `zoom-livestream-worker: --accounts takes distinct names of a-z, 0-9 and -, 1 to 32 characters${bad.length ? ` (not: ${bad.map((n) => JSON.stringify(n)).join(', ')})` : ''}\n`,
    );
    return EXIT.usage;
  }
  const rate = options.accountRate === undefined ? undefined : Number(options.accountRate);
  const sandbox = await startZoomSandbox({
    port: Number(options.port),
    host: options.host,
    rateLimitedStarts: Number(options.rateLimitedStarts),
    ...(names && {
      accounts: names.map((name) => ({
        name,
        ...(rate !== undefined && { maxRequestsPerSecond: rate }),
      })),
    }),
    onAnswer: (req, status) =>
      io.out(
        `${new Date().toISOString().slice(11, 19)}  ${req.account ? `${req.account} ` : ''}${req.method} ${req.path.split('?')[0]} → ${status}\n`,
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
      ...(names ? accountLines(sandbox) : singleAccountLines(sandbox)),
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await io.stopSignal();
  await sandbox.close();
  return EXIT.ok;
}

function singleAccountLines(sandbox: ZoomSandbox): string[] {
  return [
    'Point the service at it with:',
    `  ZOOM_API_BASE_URL=${sandbox.apiBaseUrl}`,
    `  ZOOM_OAUTH_TOKEN_URL=${sandbox.oauthTokenUrl}`,
    `  ZOOM_ACCOUNT_ID=${sandbox.credentials.accountId}`,
    `  ZOOM_CLIENT_ID=${sandbox.credentials.clientId}`,
    `  ZOOM_CLIENT_SECRET=${sandbox.credentials.clientSecret}`,
  ];
}

/** Each account's credentials, its webhook secret and path, and how to put it in a storm. */
function accountLines(sandbox: ZoomSandbox): string[] {
  const lines = [
    'Accounts (each its own token, meetings and limit; /sandbox/meetings is the first one):',
  ];
  for (const a of sandbox.accounts()) {
    const { accountId, clientId, clientSecret } = a.credentials;
    lines.push(
      `  ${a.name}: zoom_account_id ${accountId}, client_id ${clientId}, client_secret ${clientSecret}, webhook_secret_token ${a.webhookSecret}, ${a.maxRequestsPerSecond ?? 'unlimited'} calls/s`,
    );
  }
  const first = sandbox.accounts()[0]!.name;
  return [
    ...lines,
    `Declare one account's meeting: curl -X POST ${sandbox.origin}/sandbox/accounts/${first}/meetings -d '{"id":85012345678}'`,
    `Send its signed meeting.started to the service: curl -X POST ${sandbox.origin}/sandbox/accounts/${first}/meetings/85012345678/webhook -d '{"to":"http://127.0.0.1:8080"}'`,
    `Put it in a 429 storm: curl -X POST ${sandbox.origin}/sandbox/accounts/${first}/storm -d '{"seconds":60}' (calm: …/calm)`,
    'Point the service at it with ACCOUNTS_FILE listing these accounts and:',
    `  ZOOM_API_BASE_URL=${sandbox.apiBaseUrl}`,
    `  ZOOM_OAUTH_TOKEN_URL=${sandbox.oauthTokenUrl}`,
  ];
}
