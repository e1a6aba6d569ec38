/** ANSI/VT escape sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`), and two-byte ones. */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -~]?/g;
/** Line and paragraph breaks and tabs would forge lines in a chat message: they become spaces. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
/** C0, DEL, C1, and the bidirectional overrides and isolates that reorder what a reader sees. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Untrusted text (a meeting topic, Zoom's message) as it may appear in an alert: escape
 * sequences and control characters removed, breaks turned into spaces, so a topic cannot ring a
 * bell, recolour a terminal that prints the alert, reverse the text around it, or add lines.
 */
export function alertText(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(BREAKS, ' ').replace(CONTROL, '');
}
