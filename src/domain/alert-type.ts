/** The alerts an operator can receive (at most one of each type per meeting instance). */
export type AlertType =
  | 'start_failed'
  | 'gave_up'
  | 'confirmation_missing'
  | 'zoom_unavailable'
  | 'webhook_missed'
  | 'preflight_failed'
  | 'credentials_rejected';
