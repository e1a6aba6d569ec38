/** Where a stream goes: set with `PATCH /meetings/{id}/livestream` before the start. */
export interface StreamTarget {
  stream_url: string;
  stream_key: string;
  page_url: string;
  resolution?: '720p' | '1080p';
}

/** A target fit for logs, job data and the CLI: the stream key never leaves the worker. */
export function redactTarget(target: StreamTarget): StreamTarget {
  return { ...target, stream_key: '[redacted]' };
}
