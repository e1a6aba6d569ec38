/**
 * What a webhook came to, one name in logs and metrics alike (`ended`: an `*.ended` event recorded
 * that the instance ended).
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
  | 'stale'
  | 'invalid'
  | 'too_large'
  | 'timeout'
  | 'aborted'
  | 'unsupported_media_type'
  | 'unavailable';
