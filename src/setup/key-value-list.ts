/**
 * Parses the `key=value,key=value` lists of `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS`: entries split on commas, each on its first
 * `=` (so a value may itself contain `=`, as base64 credentials do), keys
 * and values trimmed and percent-decoded. Entries without a key, or whose
 * escapes are malformed, are skipped and returned as `rejected` so that the
 * caller can say so without ever printing a value, which may be a secret.
 */
export function parseKeyValueList(text: string | undefined): {
  entries: Map<string, string>;
  rejected: number;
} {
  const entries = new Map<string, string>();
  let rejected = 0;
  if (text === undefined || text.trim() === '') return { entries, rejected };

  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const separator = item.indexOf('=');
    if (separator <= 0) {
      rejected++;
      continue;
    }
    try {
      const key = decodeURIComponent(item.slice(0, separator).trim());
      const value = decodeURIComponent(item.slice(separator + 1).trim());
      if (key === '') rejected++;
      else entries.set(key, value);
    } catch {
      rejected++;
    }
  }
  return { entries, rejected };
}
