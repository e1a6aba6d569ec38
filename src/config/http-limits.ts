/**
 * Limits of the HTTP server. Zoom must be answered within 3 s, so no honest client needs a
 * connection that stays silent, or a request that takes seconds to arrive. Every limit is explicit
 * (not Node's defaults) and documented in docs/configuration.md.
 */
export interface HttpLimits {
  /** Whole request head (request line and headers) must arrive within this (408 otherwise). */
  headersTimeoutMs: number;
  /** Whole request, head and body, must arrive within this (408 otherwise). */
  requestTimeoutMs: number;
  /** A kept-alive connection with no request in progress is closed after this. */
  keepAliveTimeoutMs: number;
  /** A connection on which nothing moves for this long is closed (one that never sends a byte). */
  idleTimeoutMs: number;
  /** Connections beyond this many are closed as soon as they are accepted. */
  maxConnections: number;
}
