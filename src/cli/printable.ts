/**
 * Text from a dump as it may be written to a terminal: control characters
 * (ESC, BEL, CR, …) are shown as `\u001b`-style escapes, so that a routine
 * id cannot clear the screen or forge a line of output.
 */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- matching them is the point
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
