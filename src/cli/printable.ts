/**
 * Characters that must not reach a terminal as they are: the C0 controls
 * (ESC, BEL, CR, and tab and newline too, which would let one field forge
 * a line or a column of a table), DEL, the C1 controls, the Unicode line
 * and paragraph separators, and the bidirectional overrides and isolates,
 * which reorder what a terminal shows.
 */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching them is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a dump as it may be written to a terminal: characters that
 * could clear the screen, forge a line of output or reorder it are shown
 * as `\u001b`-style escapes.
 */
export function printable(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
