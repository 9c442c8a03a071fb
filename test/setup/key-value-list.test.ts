import { describe, expect, it } from 'vitest';

import { parseKeyValueList } from '../../src/setup/key-value-list.js';

/** The parsed entries as a plain object, in insertion order. */
const entriesOf = (text: string | undefined): Record<string, string> =>
  Object.fromEntries(parseKeyValueList(text).entries);

describe('parseKeyValueList', () => {
  it('parses comma-separated key=value pairs in order', () => {
    const parsed = parseKeyValueList('a=1,b=2,c=3');
    expect([...parsed.entries]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(parsed.rejected).toBe(0);
  });

  it('splits each entry on its first = only, so base64 padding stays in the value', () => {
    const parsed = parseKeyValueList(
      'Authorization=Basic dXNlcjpwYXNz==,x=a=b=c',
    );
    expect(Object.fromEntries(parsed.entries)).toEqual({
      Authorization: 'Basic dXNlcjpwYXNz==',
      x: 'a=b=c',
    });
    expect(parsed.rejected).toBe(0);
  });

  it('percent-decodes values: %20 a space, %2C a comma, %3D an equals sign', () => {
    expect(entriesOf('note=a%20b%2Cc%3Dd')).toEqual({ note: 'a b,c=d' });
  });

  it('percent-decodes keys, so an escaped = or comma belongs to the key', () => {
    expect(entriesOf('my%20key=1,a%3Db=2,c%2Cd=3')).toEqual({
      'my key': '1',
      'a=b': '2',
      'c,d': '3',
    });
  });

  it('decodes multi-byte UTF-8 escapes', () => {
    expect(entriesOf('city=M%C3%BCnchen')).toEqual({ city: 'München' });
  });

  it('leaves a + as it is rather than reading it as a space', () => {
    expect(entriesOf('k=a+b')).toEqual({ k: 'a+b' });
  });

  it('trims whitespace around keys and values but keeps inner spaces', () => {
    const parsed = parseKeyValueList('  a = 1 ,\tb=two words\t, c =3');
    expect(Object.fromEntries(parsed.entries)).toEqual({
      a: '1',
      b: 'two words',
      c: '3',
    });
    expect(parsed.rejected).toBe(0);
  });

  it('keeps spaces that were percent-encoded, since trimming happens before decoding', () => {
    expect(entriesOf('k=%20padded%20')).toEqual({ k: ' padded ' });
  });

  it('skips empty and blank entries without counting them as rejected', () => {
    const parsed = parseKeyValueList(',a=1,, ,b=2,');
    expect(Object.fromEntries(parsed.entries)).toEqual({ a: '1', b: '2' });
    expect(parsed.rejected).toBe(0);
  });

  it('accepts an empty value', () => {
    const parsed = parseKeyValueList('empty=,b=2');
    expect(Object.fromEntries(parsed.entries)).toEqual({ empty: '', b: '2' });
    expect(parsed.rejected).toBe(0);
  });

  it('rejects entries without = and counts them', () => {
    const parsed = parseKeyValueList('a=1,novalue,b=2,another');
    expect(Object.fromEntries(parsed.entries)).toEqual({ a: '1', b: '2' });
    expect(parsed.rejected).toBe(2);
  });

  it('rejects entries with an empty key, also one that is only whitespace', () => {
    const parsed = parseKeyValueList('=orphan,  =spaced,a=1');
    expect(Object.fromEntries(parsed.entries)).toEqual({ a: '1' });
    expect(parsed.rejected).toBe(2);
  });

  it('rejects an entry with a malformed escape in the value and keeps the others', () => {
    const parsed = parseKeyValueList('a=1,bad=%E0%A4%A,b=2');
    expect(Object.fromEntries(parsed.entries)).toEqual({ a: '1', b: '2' });
    expect(parsed.rejected).toBe(1);
  });

  it('rejects an entry with a malformed escape in the key', () => {
    const parsed = parseKeyValueList('k%ZZ=1,ok=2');
    expect(Object.fromEntries(parsed.entries)).toEqual({ ok: '2' });
    expect(parsed.rejected).toBe(1);
  });

  it('rejects a lone % and an escape of invalid UTF-8', () => {
    const parsed = parseKeyValueList('a=100%,b=%FF,c=3');
    expect(Object.fromEntries(parsed.entries)).toEqual({ c: '3' });
    expect(parsed.rejected).toBe(2);
  });

  it('lets a later duplicate key win', () => {
    const parsed = parseKeyValueList('k=first,other=x,k=second');
    expect(parsed.entries.get('k')).toBe('second');
    expect(parsed.entries.size).toBe(2);
    expect(parsed.rejected).toBe(0);
  });

  it('treats keys that differ only after decoding as the same key', () => {
    expect(entriesOf('a b=1,a%20b=2')).toEqual({ 'a b': '2' });
  });

  it('returns no entries and no rejections for undefined', () => {
    const parsed = parseKeyValueList(undefined);
    expect(parsed.entries.size).toBe(0);
    expect(parsed.rejected).toBe(0);
  });

  it('returns no entries and no rejections for an empty or blank string', () => {
    for (const text of ['', '   ', '\t\n']) {
      const parsed = parseKeyValueList(text);
      expect(parsed.entries.size).toBe(0);
      expect(parsed.rejected).toBe(0);
    }
  });

  it('returns a fresh map on each call', () => {
    const first = parseKeyValueList('a=1');
    first.entries.set('b', '2');
    expect(entriesOf('a=1')).toEqual({ a: '1' });
  });
});
