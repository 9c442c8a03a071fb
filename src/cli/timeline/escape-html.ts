/**
 * Escaping for the two ways the timeline page carries tracker data: as
 * HTML text or attribute values, and as JSON inside a
 * `<script type="application/json">` element. Routine ids, event names,
 * params and results come from the flow engine and, through dumps, from
 * anyone; none of them may ever become markup.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `text` as HTML text that reads back as exactly `text`, safe both between
 * tags and inside a quoted attribute value (single or double quotes).
 *
 * @example
 * escapeHtml('<b>bold</b>'); // '&lt;b&gt;bold&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * `value` as JSON text that can sit inside a `<script>` element: every `<`
 * (and `>` and `&`, for good measure) is written as a `\u` escape, so that
 * no `</script>` or `<!--` in the data can end or change the element, and
 * the line and paragraph separators are escaped as well. `JSON.parse` of
 * the element's text gives back the same value.
 *
 * @example
 * jsonForScript({ a: '</script>' }); // '{"a":"\\u003c/script\\u003e"}'
 */
export function jsonForScript(value: unknown): string {
  // JSON.stringify gives undefined for undefined, functions and symbols.
  const json = JSON.stringify(value) as string | undefined;
  return (json ?? 'null').replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
