import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { ZoomCredentialsError, ZoomNetworkError } from './errors';
import { answerError, parseZoomError, sendOnce } from './http';
import type { Tracing } from '../telemetry/tracing';

export interface OAuthSettings {
  tokenUrl: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  /** The call is a client span of this; default: none. */
  tracing?: Tracing;
}

export interface FetchedToken {
  accessToken: string;
  expiresInSec: number;
  /** The scopes Zoom granted, when its answer lists them (`scope`, space-separated). */
  scopes?: string[];
}

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});

/**
 * Server-to-Server OAuth: `POST {tokenUrl}?grant_type=account_credentials&account_id=…` with Basic
 * auth. 400/401 mean the credentials are wrong ({@link ZoomCredentialsError}, until fixed); 429 and
 * 5xx are `ZoomApiError`s the queue retries.
 * @see https://developers.zoom.us/docs/internal-apps/s2s-oauth/
 */
export async function fetchAccessToken(
  dispatcher: Dispatcher,
  settings: OAuthSettings,
  nowMs: () => number = Date.now,
): Promise<FetchedToken> {
  const url = new URL(settings.tokenUrl);
  url.searchParams.set('grant_type', 'account_credentials');
  url.searchParams.set('account_id', settings.accountId);
  const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64');
  const answer = await sendOnce(dispatcher, 'oauth', url.toString(), {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
    timeoutMs: settings.timeoutMs,
    ...(settings.tracing && { tracing: settings.tracing }),
  });
  if (answer.status === 200) {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new ZoomNetworkError('oauth', 'INVALID_BODY');
    }
    const parsed = tokenSchema.safeParse(body);
    if (!parsed.success) throw new ZoomNetworkError('oauth', 'INVALID_BODY');
    const { access_token: accessToken, expires_in: expiresInSec, scope } = parsed.data;
    return {
      accessToken,
      expiresInSec,
      ...(scope !== undefined && { scopes: scope.split(/\s+/).filter(Boolean) }),
    };
  }
  const { zoomMessage } = parseZoomError(answer.text);
  if (answer.status === 400 || answer.status === 401) {
    throw new ZoomCredentialsError(answer.status, zoomMessage);
  }
  throw answerError('oauth', answer, nowMs());
}
