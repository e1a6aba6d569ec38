/** ANSI/VT escape sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`), and two-byte ones. */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -~]?/g;
/** Line breaks and tabs inside one value would forge lines or columns: they become spaces. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
/** C0, DEL, C1, and the bidirectional overrides that reorder what a terminal shows. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Untrusted text (a meeting topic, Zoom's messages, a rule's name) made safe to print on a
 * terminal or in a chat alert: escape sequences and control characters are removed and breaks
 * become spaces, so nothing it contains can move the cursor, recolour, retitle or clear the
 * operator's terminal, ring a bell, reverse the text around it, or add lines.
 */
export function printable(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(BREAKS, ' ').replace(CONTROL, '');
}

/** {@link printable} for text of several lines of our own, each holding untrusted values. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/** JSON leaves DEL, C1 and the bidirectional overrides raw; these escapes keep the value exact. */

const RAW_IN_JSON = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** Pretty JSON a terminal shows as text: every control character is `\u`-escaped. */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    RAW_IN_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
