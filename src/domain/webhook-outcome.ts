/**
 * What a webhook came to, one name in logs and metrics alike (`ended`: an `*.ended` event recorded
 * that the instance ended; `unknown_account`: the path names no account in force;
 * `foreign_account`: a signed event of another Zoom account than the path's).
 */
export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'ended'
  | 'confirmed'
  | 'stopped'
  | 'validated'
  | 'ignored'
  | 'bad_signature'
  | 'unknown_account'
  | 'foreign_account'
  | 'stale'
  | 'invalid'
  | 'too_large'
  | 'timeout'
  | 'aborted'
  | 'unsupported_media_type'
  | 'unavailable';
