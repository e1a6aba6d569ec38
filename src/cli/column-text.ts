/** Characters a terminal shows two columns wide: CJK, Hangul, full-width forms, emoji. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
/** Characters that take no column of their own: combining marks, joiners, variation selectors. */
const ZERO = /[\p{Mn}\p{Me}\p{Cf}]/u;

const charWidth = (c: string) => (ZERO.test(c) ? 0 : WIDE.test(c) ? 2 : 1);

/** How many terminal columns `text` (already printable) takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const c of text) width += charWidth(c);
  return width;
}

/** `text` padded with spaces to `width` columns. */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** The longest start of `text` that fits `width` columns. */
function fitting(text: string, width: number): string {
  let used = 0;
  let end = 0;
  for (const c of text) {
    used += charWidth(c);
    if (used > width) break;
    end += c.length;
  }
  return text.slice(0, end);
}

/**
 * `text` in at most `width` columns: whole if it fits, else cut at the last word boundary that
 * leaves room for "…". Only a first word wider than the whole column is cut inside the word.
 */
export function clipAtWord(text: string, width: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (displayWidth(clean) <= width) return clean;
  if (width <= 1) return '…'.slice(0, width);
  const room = fitting(clean, width - 1);
  // `room` ends at a word boundary when the next character is a space.
  const whole = clean[room.length] === ' ' ? room : room.slice(0, room.lastIndexOf(' ') + 1);
  const kept = whole.trimEnd().replace(/[\s,;:·-]+$/, '');
  return `${kept === '' ? room : kept}…`;
}
