// What a dump cut short looks like once its JSON is closed again: the
// text up to the last complete value, or up to the middle of a string
// value, with every open object and array closed. A key cut off, or left
// without its value, is dropped with the comma before it.

const SCALAR =
  /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/;

/** The JSON text `prefix` of a valid document becomes when closed. */
export function closeJson(prefix: string): string {
  const closers: ('}' | ']')[] = [];
  // Per open object: whether the next string is a key.
  const keyNext: boolean[] = [];
  let safe = { end: 0, closers: '' };
  const close = (): string => [...closers].reverse().join('');
  const markSafe = (end: number): void => {
    safe = { end, closers: close() };
  };

  let i = 0;
  while (i < prefix.length) {
    const ch = prefix.charAt(i);
    if (ch === '"') {
      const isKey = closers.at(-1) === '}' && keyNext.at(-1) === true;
      let j = i + 1;
      let whole = j;
      while (j < prefix.length && prefix[j] !== '"') {
        const step = prefix[j] !== '\\' ? 1 : prefix[j + 1] === 'u' ? 6 : 2;
        if (j + step > prefix.length) break;
        j += step;
        whole = j;
      }
      if (j >= prefix.length || prefix[j] !== '"') {
        if (isKey) break;
        // The string value so far, without half an escape.
        return `${prefix.slice(0, whole)}"${close()}`;
      }
      i = j + 1;
      if (isKey) keyNext[keyNext.length - 1] = false;
      else markSafe(i);
    } else if (ch === '{' || ch === '[') {
      closers.push(ch === '{' ? '}' : ']');
      keyNext.push(ch === '{');
      markSafe(++i);
    } else if (ch === '}' || ch === ']') {
      closers.pop();
      keyNext.pop();
      markSafe(++i);
    } else if (ch === ',') {
      if (closers.at(-1) === '}') keyNext[keyNext.length - 1] = true;
      i++;
    } else if (ch === ':' || /\s/.test(ch)) {
      i++;
    } else {
      // A number or literal; a partial one ends the usable text.
      const match = SCALAR.exec(prefix.slice(i, i + 64));
      if (match === null) break;
      i += match[0].length;
      markSafe(i);
    }
  }
  return prefix.slice(0, safe.end) + safe.closers;
}

/** The segments of a TrackerFormatError path: `a.b[2]["odd key"].c`. */
export function pathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const token = /^(?:\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;
  let rest = path;
  while (rest.length > 0) {
    const match = token.exec(rest);
    if (match === null) throw new Error(`not a path: ${path}`);
    const [whole, name, index, quoted] = match;
    if (name !== undefined) segments.push(name);
    else if (index !== undefined) segments.push(Number(index));
    else segments.push(JSON.parse(quoted ?? '""') as string);
    rest = rest.slice(whole.length);
  }
  return segments;
}

/** The path TrackerFormatError writes for `segments`. */
export function formatPath(segments: readonly (string | number)[]): string {
  return segments
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (!/^[A-Za-z_$][\w$]*$/.test(segment))
        return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}
