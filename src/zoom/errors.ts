/** Base class of every failure talking to Zoom; match on the stable `code`, not the text. */
export abstract class ZoomError extends Error {
  abstract readonly code: string;
}

export interface ZoomApiErrorFields {
  /** Which call failed: `livestream.status`, `livestream`, `oauth`. */
  endpoint: string;
  status: number;
  zoomCode: number | undefined;
  zoomMessage: string;
  trackingId: string | undefined;
  /** From `Retry-After` (seconds, HTTP-date or ISO date), relative to when the answer came. */
  retryAfterMs: number | undefined;
  /** `X-RateLimit-Type` on 429s: `QPS` or `Daily-limit` for account limits. */
  rateLimitType: string | undefined;
}

/** Thrown when Zoom answered with a non-2xx status. */
export class ZoomApiError extends ZoomError implements ZoomApiErrorFields {
  override name = 'ZoomApiError' as const;
  readonly code = 'ZOOM_API_ERROR';
  readonly endpoint: string;
  readonly status: number;
  readonly zoomCode: number | undefined;
  readonly zoomMessage: string;
  readonly trackingId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rateLimitType: string | undefined;
  constructor(fields: ZoomApiErrorFields) {
    super(
      `Zoom ${fields.endpoint} answered ${fields.status}` +
        (fields.zoomCode !== undefined ? ` code ${fields.zoomCode}` : '') +
        (fields.zoomMessage ? `: ${fields.zoomMessage}` : ''),
    );
    this.endpoint = fields.endpoint;
    this.status = fields.status;
    this.zoomCode = fields.zoomCode;
    this.zoomMessage = fields.zoomMessage;
    this.trackingId = fields.trackingId;
    this.retryAfterMs = fields.retryAfterMs;
    this.rateLimitType = fields.rateLimitType;
  }
}

/** Thrown when no usable answer came: connection refused or reset, timeout, unreadable body. */
export class ZoomNetworkError extends ZoomError {
  override name = 'ZoomNetworkError' as const;
  readonly code = 'ZOOM_NETWORK_ERROR';
  constructor(
    readonly endpoint: string,
    /** undici's or Node's code, e.g. `UND_ERR_HEADERS_TIMEOUT`, `ECONNRESET`, `TIMEOUT`. */
    readonly causeCode: string,
    options?: { cause?: unknown },
  ) {
    super(`no usable answer from Zoom ${endpoint} (${causeCode})`, options);
  }
}

/** Thrown when Zoom's OAuth server rejects our client credentials: until they are fixed. */
export class ZoomCredentialsError extends ZoomError {
  override name = 'ZoomCredentialsError' as const;
  readonly code = 'ZOOM_OAUTH_REJECTED';
  constructor(
    readonly status: number,
    readonly reason: string,
    /** A hash naming the rejected credentials (never the secret): one alert per set of them. */
    readonly credentialsId?: string,
  ) {
    super(
      `Zoom OAuth rejected the app credentials (${status}${reason ? `: ${reason}` : ''}); ` +
        'check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET',
    );
  }
}
