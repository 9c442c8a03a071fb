import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import {
  MAX_ARRAY_LENGTH,
  MAX_ATTRIBUTES_PER_VALUE,
  addValueAttributes,
  type ConversionTally,
} from '../../src/spans/attributes.js';
import { KeyRedactor, REDACTED } from '../../src/spans/redaction.js';

interface Converted {
  readonly out: Attributes;
  readonly tally: ConversionTally;
}

interface ConvertOptions {
  readonly maxAttributeLength?: number;
  readonly redactor?: KeyRedactor;
  readonly prefix?: string;
}

const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isPrimitiveAttribute(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Whether `value` is a valid OpenTelemetry attribute value: a string, a
 * finite number, a boolean, or an array whose elements all are one of those
 * and of the same type.
 */
function isValidAttributeValue(value: unknown): boolean {
  if (isPrimitiveAttribute(value)) return true;
  if (!Array.isArray(value)) return false;
  const items: unknown[] = value;
  if (items.length === 0) return true;
  const kind = typeof items[0];
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) return false;
    const item = items[i];
    if (typeof item !== kind || !isPrimitiveAttribute(item)) return false;
  }
  return true;
}

/** Every produced attribute must be exportable as it is. */
function expectValidAttributes(out: Attributes): void {
  for (const [key, value] of Object.entries(out)) {
    expect(
      isValidAttributeValue(value),
      `attribute ${key} is not a valid attribute value: ${String(value)}`,
    ).toBe(true);
    const texts: unknown[] = Array.isArray(value) ? value : [value];
    for (const text of texts) {
      if (typeof text === 'string') {
        expect(
          LONE_SURROGATE.test(text),
          `attribute ${key} has half a surrogate pair`,
        ).toBe(false);
      }
    }
  }
}

/** Converts `value` under prefix `p` and checks every produced attribute. */
function convert(value: unknown, options: ConvertOptions = {}): Converted {
  const out: Attributes = {};
  const tally: ConversionTally = { truncated: 0, dropped: 0 };
  addValueAttributes(
    out,
    options.prefix ?? 'p',
    value,
    {
      maxAttributeLength: options.maxAttributeLength ?? 4096,
      redactor: options.redactor ?? new KeyRedactor(),
    },
    tally,
  );
  expectValidAttributes(out);
  return { out, tally };
}

const NONE: ConversionTally = { truncated: 0, dropped: 0 };

describe('addValueAttributes: primitives and flattening', () => {
  it('writes a top-level primitive under the prefix itself', () => {
    expect(convert('hello')).toEqual({ out: { p: 'hello' }, tally: NONE });
    expect(convert(42)).toEqual({ out: { p: 42 }, tally: NONE });
    expect(convert(false)).toEqual({ out: { p: false }, tally: NONE });
  });

  it('flattens nested objects into dotted keys', () => {
    const { out, tally } = convert(
      { path: 'in.csv', rows: 3, opts: { strict: true, sep: { char: ';' } } },
      { prefix: 'flow.routine.params' },
    );
    expect(out).toEqual({
      'flow.routine.params.path': 'in.csv',
      'flow.routine.params.rows': 3,
      'flow.routine.params.opts.strict': true,
      'flow.routine.params.opts.sep.char': ';',
    });
    expect(tally).toEqual(NONE);
  });

  it('flattens four levels of objects and writes deeper objects as JSON text', () => {
    const { out, tally } = convert({
      a: { b: { c: { d: { e: 1, f: [1, 2] } } } },
      x: { y: { z: 2 } },
    });
    expect(out).toEqual({
      'p.a.b.c.d': '{"e":1,"f":[1,2]}',
      'p.x.y.z': 2,
    });
    expect(tally).toEqual(NONE);
  });

  it('keeps an array of primitives at the depth limit as an array', () => {
    const { out, tally } = convert({ a: { b: { c: { d: [1, 2, 3] } } } });
    expect(out).toEqual({ 'p.a.b.c.d': [1, 2, 3] });
    expect(tally).toEqual(NONE);
  });

  it('leaves out null and undefined, at the top and inside objects', () => {
    expect(convert(null)).toEqual({ out: {}, tally: NONE });
    expect(convert(undefined)).toEqual({ out: {}, tally: NONE });
    expect(convert({ a: null, b: undefined, c: 1, d: { e: null } })).toEqual({
      out: { 'p.c': 1 },
      tally: NONE,
    });
  });

  it('writes non-finite numbers as their text', () => {
    const { out, tally } = convert({
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
    });
    expect(out).toEqual({
      'p.nan': 'NaN',
      'p.inf': 'Infinity',
      'p.ninf': '-Infinity',
    });
    expect(tally).toEqual(NONE);
  });

  it('writes BigInts as their decimal text', () => {
    const { out, tally } = convert({
      big: 123456789012345678901234567890n,
      negative: -5n,
    });
    expect(out).toEqual({
      'p.big': '123456789012345678901234567890',
      'p.negative': '-5',
    });
    expect(tally).toEqual(NONE);
  });

  it('writes symbol values as their description text', () => {
    const { out, tally } = convert({ tag: Symbol('tag'), bare: Symbol() });
    expect(out).toEqual({ 'p.tag': 'Symbol(tag)', 'p.bare': 'Symbol()' });
    expect(tally).toEqual(NONE);
  });

  it('leaves out symbol keys, as JSON does, without counting them', () => {
    const { out, tally } = convert({
      [Symbol('one')]: 1,
      [Symbol('two')]: 'x',
      kept: 3,
    });
    expect(out).toEqual({ 'p.kept': 3 });
    expect(tally).toEqual(NONE);
  });

  it('drops functions and counts them', () => {
    expect(convert(() => 1)).toEqual({
      out: {},
      tally: { truncated: 0, dropped: 1 },
    });
    const { out, tally } = convert({
      run(): number {
        return 1;
      },
      Klass: class Klass {
        readonly id = 1;
      },
      n: 1,
    });
    expect(out).toEqual({ 'p.n': 1 });
    expect(tally).toEqual({ truncated: 0, dropped: 2 });
  });

  it('flattens the own enumerable fields of class instances only', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      get norm(): number {
        return Math.hypot(this.x, this.y);
      }
      scale(k: number): Point {
        return new Point(this.x * k, this.y * k);
      }
    }
    const { out, tally } = convert({ at: new Point(3, 4) });
    expect(out).toEqual({ 'p.at.x': 3, 'p.at.y': 4 });
    expect(tally).toEqual(NONE);
  });
});

describe('addValueAttributes: arrays', () => {
  it('keeps homogeneous arrays of strings, numbers and booleans as arrays', () => {
    const { out, tally } = convert({
      names: ['a', 'b'],
      sizes: [1, 2.5, -3],
      flags: [true, false],
      none: [],
    });
    expect(out).toEqual({
      'p.names': ['a', 'b'],
      'p.sizes': [1, 2.5, -3],
      'p.flags': [true, false],
      'p.none': [],
    });
    expect(tally).toEqual(NONE);
  });

  it('writes a copy of an array, not the caller array itself', () => {
    const sizes = [1, 2, 3];
    const { out } = convert({ sizes });
    sizes.push(4);
    expect(out['p.sizes']).toEqual([1, 2, 3]);
  });

  it('writes mixed arrays as JSON text', () => {
    const { out, tally } = convert({
      mixed: [1, 'a', true],
      objects: [{ a: 1 }, { b: [2] }],
      nulls: [null, 1],
      undefs: [undefined, 'x'],
    });
    expect(out).toEqual({
      'p.mixed': '[1,"a",true]',
      'p.objects': '[{"a":1},{"b":[2]}]',
      'p.nulls': '[null,1]',
      'p.undefs': '[null,"x"]',
    });
    expect(tally).toEqual(NONE);
  });

  it('writes arrays with holes as JSON text', () => {
    // eslint-disable-next-line no-sparse-arrays
    const holes = [1, , 3];
    const { out, tally } = convert({ holes });
    expect(out).toEqual({ 'p.holes': '[1,null,3]' });
    expect(tally).toEqual(NONE);
  });

  it('writes number arrays holding NaN or an infinity as JSON text', () => {
    const { out, tally } = convert({ a: [1, NaN], b: [Infinity, 2] });
    expect(out).toEqual({ 'p.a': '[1,null]', 'p.b': '[null,2]' });
    expect(tally).toEqual(NONE);
  });

  it('writes BigInts inside arrays as strings in JSON text', () => {
    const { out, tally } = convert({ ids: [1n, 2n], mixed: [3n, 4] });
    expect(out).toEqual({ 'p.ids': '["1","2"]', 'p.mixed': '["3",4]' });
    expect(tally).toEqual(NONE);
  });

  it(`cuts arrays to ${MAX_ARRAY_LENGTH} elements and counts one truncation`, () => {
    const long = Array.from({ length: 300 }, (_, i) => i);
    const { out, tally } = convert({ long });
    expect(out['p.long']).toEqual(long.slice(0, MAX_ARRAY_LENGTH));
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });

  it('cuts every long string of a string array and counts each cut', () => {
    const { out, tally } = convert(
      { words: ['x'.repeat(20), 'y'.repeat(20), 'short'] },
      { maxAttributeLength: 10 },
    );
    expect(out).toEqual({
      'p.words': ['x'.repeat(10), 'y'.repeat(10), 'short'],
    });
    expect(tally).toEqual({ truncated: 2, dropped: 0 });
  });
});

describe('addValueAttributes: strings', () => {
  it('cuts strings to maxAttributeLength and counts the cut', () => {
    const { out, tally } = convert(
      { long: 'abcdefghijklmnop', exact: 'abcdefghij' },
      { maxAttributeLength: 10 },
    );
    expect(out).toEqual({ 'p.long': 'abcdefghij', 'p.exact': 'abcdefghij' });
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });

  it('does not leave half a surrogate pair at the cut', () => {
    // The emoji takes UTF-16 units 9 and 10; a cut at 10 would split it.
    const { out, tally } = convert(
      { emoji: 'abcdefghi\u{1F600}xyz' },
      { maxAttributeLength: 10 },
    );
    expect(out).toEqual({ 'p.emoji': 'abcdefghi' });
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });

  it('keeps a surrogate pair that ends exactly at the cut', () => {
    const { out, tally } = convert(
      { emoji: 'abcdefgh\u{1F600}xyz' },
      { maxAttributeLength: 10 },
    );
    expect(out).toEqual({ 'p.emoji': 'abcdefgh\u{1F600}' });
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });

  it('cuts a 10 MB string to the limit', () => {
    const huge = 'a'.repeat(10 * 1024 * 1024);
    const { out, tally } = convert({ huge });
    expect(out).toEqual({ 'p.huge': 'a'.repeat(4096) });
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });

  it('cuts a 10 MB string inside a mixed array before writing JSON text', () => {
    const huge = 'b'.repeat(10 * 1024 * 1024);
    const { out, tally } = convert({ mixed: [huge, 1] });
    const text = out['p.mixed'];
    expect(typeof text).toBe('string');
    expect(text).toBe(`["${'b'.repeat(4096 - 2)}`);
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });

  it('cuts a 10 MB string below the depth limit before writing JSON text', () => {
    const huge = 'c'.repeat(10 * 1024 * 1024);
    const { out, tally } = convert(
      { a: { b: { c: { d: { huge } } } } },
      { maxAttributeLength: 50 },
    );
    expect(out).toEqual({ 'p.a.b.c.d': `{"huge":"${'c'.repeat(41)}` });
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });
});

describe('addValueAttributes: built-in objects', () => {
  it('writes valid Dates as ISO strings', () => {
    const { out, tally } = convert({
      at: new Date('2026-12-03T21:46:03.819Z'),
    });
    expect(out).toEqual({ 'p.at': '2026-12-03T21:46:03.819Z' });
    expect(tally).toEqual(NONE);
  });

  it('writes invalid Dates as "Invalid Date" without throwing', () => {
    const { out, tally } = convert({ at: new Date(NaN) });
    expect(out).toEqual({ 'p.at': 'Invalid Date' });
    expect(tally).toEqual(NONE);
  });

  it('writes Errors as "name: message", cut to the limit', () => {
    const { out, tally } = convert({
      error: new TypeError('bad row 7'),
      long: new Error('x'.repeat(100)),
    });
    expect(out).toEqual({
      'p.error': 'TypeError: bad row 7',
      'p.long': `Error: ${'x'.repeat(100)}`,
    });
    expect(tally).toEqual(NONE);

    const cut = convert(
      { long: new Error('x'.repeat(100)) },
      {
        maxAttributeLength: 20,
      },
    );
    expect(cut.out).toEqual({ 'p.long': `Error: ${'x'.repeat(13)}` });
    expect(cut.tally).toEqual({ truncated: 1, dropped: 0 });
  });

  it('flattens Maps by their keys', () => {
    const { out, tally } = convert({
      m: new Map<unknown, unknown>([
        ['a', 1],
        ['b', { c: 2 }],
        [3, 'three'],
      ]),
    });
    expect(out).toEqual({ 'p.m.a': 1, 'p.m.b.c': 2, 'p.m.3': 'three' });
    expect(tally).toEqual(NONE);
  });

  it('writes Sets like arrays', () => {
    const { out, tally } = convert({
      ids: new Set([1, 2, 3]),
      mixed: new Set<unknown>(['a', 1]),
    });
    expect(out).toEqual({ 'p.ids': [1, 2, 3], 'p.mixed': '["a",1]' });
    expect(tally).toEqual(NONE);
  });

  it('writes typed arrays as number arrays and BigInt arrays as strings', () => {
    const { out, tally } = convert({
      bytes: new Uint8Array([1, 2, 255]),
      floats: new Float32Array([0.5, -1.5]),
      bigs: new BigInt64Array([1n, -2n]),
      buffer: Buffer.from('hi'),
    });
    expect(out).toEqual({
      'p.bytes': [1, 2, 255],
      'p.floats': [0.5, -1.5],
      'p.bigs': ['1', '-2'],
      'p.buffer': [104, 105],
    });
    expect(tally).toEqual(NONE);
  });

  it(`cuts typed arrays to ${MAX_ARRAY_LENGTH} elements and counts one truncation`, () => {
    const { out, tally } = convert({ bytes: new Uint8Array(1000).fill(7) });
    expect(out['p.bytes']).toEqual(new Array<number>(MAX_ARRAY_LENGTH).fill(7));
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });

  it('writes float typed arrays holding NaN or infinities as valid attributes', () => {
    // A Float64Array element can be NaN or Infinity, which is not a valid
    // attribute number; plain arrays holding them become JSON text.
    const { out } = convert({ floats: new Float64Array([1, NaN, Infinity]) });
    expect(Object.keys(out)).toEqual(['p.floats']);
    expect(isValidAttributeValue(out['p.floats'])).toBe(true);
  });

  it('drops DataViews and counts them', () => {
    const { out, tally } = convert({
      view: new DataView(new ArrayBuffer(8)),
      n: 1,
    });
    expect(out).toEqual({ 'p.n': 1 });
    expect(tally).toEqual({ truncated: 0, dropped: 1 });
  });
});

describe('addValueAttributes: hostile structures', () => {
  it('writes a self-reference as "[Circular]" and counts it as dropped', () => {
    const node: Record<string, unknown> = { name: 'a' };
    node.self = node;
    node.child = { parent: node, name: 'b' };
    const { out, tally } = convert(node);
    expect(out).toEqual({
      'p.name': 'a',
      'p.self': '[Circular]',
      'p.child.parent': '[Circular]',
      'p.child.name': 'b',
    });
    expect(tally).toEqual({ truncated: 0, dropped: 2 });
  });

  it('writes a Map that contains itself as "[Circular]"', () => {
    const map = new Map<string, unknown>([['n', 1]]);
    map.set('me', map);
    const { out, tally } = convert({ map });
    expect(out).toEqual({ 'p.map.n': 1, 'p.map.me': '[Circular]' });
    expect(tally).toEqual({ truncated: 0, dropped: 1 });
  });

  it('writes an array that contains itself as JSON text with "[Circular]"', () => {
    const list: unknown[] = [1];
    list.push(list);
    const { out, tally } = convert({ list });
    expect(out).toEqual({ 'p.list': '[1,"[Circular]"]' });
    expect(tally).toEqual(NONE);
  });

  it('flattens an object reached twice without a cycle both times', () => {
    const shared = { x: 1 };
    const { out, tally } = convert({ a: shared, b: shared });
    expect(out).toEqual({ 'p.a.x': 1, 'p.b.x': 1 });
    expect(tally).toEqual(NONE);
  });

  it('writes an object reached twice without a cycle in JSON text in full both times', () => {
    const shared = { x: 1 };
    const { out, tally } = convert({ list: [shared, shared, 2] });
    expect(out).toEqual({ 'p.list': '[{"x":1},{"x":1},2]' });
    expect(tally).toEqual(NONE);
  });

  it('leaves out values behind getters that throw and counts them', () => {
    const value = {
      ok: 1,
      get broken(): never {
        throw new Error('getter failed');
      },
      nested: {
        get alsoBroken(): never {
          throw new Error('getter failed');
        },
        fine: 'yes',
      },
    };
    const { out, tally } = convert(value);
    expect(out).toEqual({ 'p.ok': 1, 'p.nested.fine': 'yes' });
    expect(tally).toEqual({ truncated: 0, dropped: 2 });
  });

  it('leaves out what a throwing getter hides inside JSON text', () => {
    const inner = {
      get broken(): never {
        throw new Error('getter failed');
      },
    };
    const { out, tally } = convert({ list: [inner, 1] });
    expect(out).toEqual({ 'p.list': '[{},1]' });
    expect(tally).toEqual(NONE);
  });

  it('counts a Proxy whose ownKeys trap throws as one dropped value', () => {
    const proxy = new Proxy(
      { a: 1 },
      {
        ownKeys(): never {
          throw new Error('ownKeys trap');
        },
      },
    );
    const { out, tally } = convert({ proxy, n: 1 });
    expect(out).toEqual({ 'p.n': 1 });
    expect(tally).toEqual({ truncated: 0, dropped: 1 });
  });

  it('counts each key of a Proxy whose get trap throws as dropped', () => {
    const proxy = new Proxy(
      { a: 1, b: 2 },
      {
        get(): never {
          throw new Error('get trap');
        },
      },
    );
    const { out, tally } = convert({ proxy });
    expect(out).toEqual({});
    expect(tally).toEqual({ truncated: 0, dropped: 2 });
  });

  it('does not throw for a Proxy whose every trap throws', () => {
    const fail = (): never => {
      throw new Error('trap');
    };
    const proxy = new Proxy(
      { a: 1 },
      {
        getPrototypeOf: fail,
        ownKeys: fail,
        get: fail,
        has: fail,
        getOwnPropertyDescriptor: fail,
      },
    );
    expect(convert({ proxy, n: 1 })).toEqual({
      out: { 'p.n': 1 },
      tally: { truncated: 0, dropped: 1 },
    });
  });

  it('does not throw for a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    expect(convert({ proxy, n: 1 })).toEqual({
      out: { 'p.n': 1 },
      tally: { truncated: 0, dropped: 1 },
    });
  });

  it.each([
    ['Date', (): object => new Proxy(new Date(0), {})],
    ['Map', (): object => new Proxy(new Map([['a', 1]]), {})],
    ['Set', (): object => new Proxy(new Set([1]), {})],
  ])('does not throw for a transparent Proxy around a %s', (_kind, make) => {
    // Built-ins reached through a Proxy throw "incompatible receiver" when
    // their methods run on the Proxy.
    const { out } = convert({ wrapped: make(), n: 1 });
    expect(out['p.n']).toBe(1);
  });

  it('does not throw for an Error whose message getter throws', () => {
    class BrokenError extends Error {
      override get message(): string {
        throw new Error('message getter');
      }
    }
    const { out } = convert({ error: new BrokenError(), n: 1 });
    expect(out['p.n']).toBe(1);
  });
});

describe('addValueAttributes: attribute cap', () => {
  it(`writes at most ${MAX_ATTRIBUTES_PER_VALUE} attributes and counts every key left out`, () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 200; i++) wide[`k${i}`] = i;
    const { out, tally } = convert(wide);
    const expected: Attributes = {};
    for (let i = 0; i < MAX_ATTRIBUTES_PER_VALUE; i++) expected[`p.k${i}`] = i;
    expect(out).toEqual(expected);
    expect(tally).toEqual({
      truncated: 0,
      dropped: 200 - MAX_ATTRIBUTES_PER_VALUE,
    });
  });

  it('applies the cap across nested objects', () => {
    const inner: Record<string, number> = {};
    for (let i = 0; i < 150; i++) inner[`k${i}`] = i;
    const { out, tally } = convert({ inner, after: 1, more: 'x' });
    expect(Object.keys(out)).toHaveLength(MAX_ATTRIBUTES_PER_VALUE);
    const last = MAX_ATTRIBUTES_PER_VALUE - 1;
    expect(out[`p.inner.k${last}`]).toBe(last);
    expect(out[`p.inner.k${last + 1}`]).toBeUndefined();
    expect(out['p.after']).toBeUndefined();
    expect(tally).toEqual({
      truncated: 0,
      dropped: 150 - MAX_ATTRIBUTES_PER_VALUE + 2,
    });
  });

  it('applies the cap to Map entries', () => {
    const map = new Map<string, number>();
    for (let i = 0; i < MAX_ATTRIBUTES_PER_VALUE + 2; i++) map.set(`k${i}`, i);
    const { out, tally } = convert(map);
    expect(Object.keys(out)).toHaveLength(MAX_ATTRIBUTES_PER_VALUE);
    expect(tally).toEqual({ truncated: 0, dropped: 2 });
  });
});

describe('addValueAttributes: redaction', () => {
  it('redacts secret-looking keys at any depth', () => {
    const { out, tally } = convert({
      user: 'bob',
      password: 'hunter2',
      apiKey: 'k-123',
      headers: {
        Authorization: 'Bearer abc',
        Cookie: 'sid=1',
        accept: 'json',
        deeper: { session_id: 's', client_secret: 'c', path: '/x' },
      },
      refresh_token: 'r',
    });
    expect(out).toEqual({
      'p.user': 'bob',
      'p.password': REDACTED,
      'p.apiKey': REDACTED,
      'p.headers.Authorization': REDACTED,
      'p.headers.Cookie': REDACTED,
      'p.headers.accept': 'json',
      'p.headers.deeper.session_id': REDACTED,
      'p.headers.deeper.client_secret': REDACTED,
      'p.headers.deeper.path': '/x',
      'p.refresh_token': REDACTED,
    });
    expect(tally).toEqual(NONE);
  });

  it('redacts a whole object under a secret key without flattening it', () => {
    const { out, tally } = convert({
      credentials: { user: 'u', pass: 'p' },
      tokens: ['a', 'b'],
    });
    expect(out).toEqual({ 'p.credentials': REDACTED, 'p.tokens': REDACTED });
    expect(tally).toEqual(NONE);
  });

  it('redacts a secret key without counting its long value as truncated', () => {
    const { out, tally } = convert(
      { password: 'x'.repeat(1000) },
      { maxAttributeLength: 10 },
    );
    expect(out).toEqual({ 'p.password': REDACTED });
    expect(tally).toEqual(NONE);
  });

  it('redacts secret keys inside JSON text of mixed arrays', () => {
    const { out, tally } = convert({
      list: [{ token: 't', v: 1, inner: { Password: 'p' } }, 2],
    });
    expect(out).toEqual({
      'p.list': `[{"token":"${REDACTED}","v":1,"inner":{"Password":"${REDACTED}"}},2]`,
    });
    expect(tally).toEqual(NONE);
  });

  it('redacts secret keys inside JSON text past the depth limit', () => {
    const { out, tally } = convert({
      a: { b: { c: { d: { api_key: 'k', ok: 1, e: { cookie: 'c' } } } } },
    });
    expect(out).toEqual({
      'p.a.b.c.d': `{"api_key":"${REDACTED}","ok":1,"e":{"cookie":"${REDACTED}"}}`,
    });
    expect(tally).toEqual(NONE);
  });

  it('redacts secret Map keys', () => {
    const { out, tally } = convert(
      new Map([
        ['secret', 's'],
        ['name', 'n'],
      ]),
    );
    expect(out).toEqual({ 'p.secret': REDACTED, 'p.name': 'n' });
    expect(tally).toEqual(NONE);
  });

  it('redacts user-supplied names and patterns', () => {
    const redactor = new KeyRedactor(['SSN', /^x-internal-/i]);
    const { out, tally } = convert(
      {
        ssn: '123-45-6789',
        ssn_last4: '6789',
        'X-Internal-Trace': 'abc',
        nested: { Ssn: 'n', list: [{ ssn: 1 }, 'x'] },
        password: 'still redacted',
      },
      { redactor },
    );
    expect(out).toEqual({
      'p.ssn': REDACTED,
      'p.ssn_last4': '6789',
      'p.X-Internal-Trace': REDACTED,
      'p.nested.Ssn': REDACTED,
      'p.nested.list': `[{"ssn":"${REDACTED}"},"x"]`,
      'p.password': REDACTED,
    });
    expect(tally).toEqual(NONE);
  });
});

describe('addValueAttributes: output shape', () => {
  it('adds to the attributes already in the output object', () => {
    const out: Attributes = { existing: 'kept' };
    const tally: ConversionTally = { truncated: 1, dropped: 2 };
    addValueAttributes(
      out,
      'p',
      { a: 1, f: () => 0 },
      { maxAttributeLength: 10, redactor: new KeyRedactor() },
      tally,
    );
    expect(out).toEqual({ existing: 'kept', 'p.a': 1 });
    expect(tally).toEqual({ truncated: 1, dropped: 3 });
  });

  it('produces the same attributes for the same input', () => {
    const value = {
      a: [1, 'x'],
      b: { c: new Date(0), d: new Set(['s']) },
      e: 5n,
    };
    const first = convert(value);
    const second = convert(value);
    expect(second).toEqual(first);
    const expected: Record<string, AttributeValue> = {
      'p.a': '[1,"x"]',
      'p.b.c': '1970-01-01T00:00:00.000Z',
      'p.b.d': ['s'],
      'p.e': '5',
    };
    expect(first.out).toEqual(expected);
  });
});

describe('addValueAttributes: keys', () => {
  it('cuts keys longer than maxAttributeLength and counts each cut', () => {
    const { out, tally } = convert(
      {
        ['k'.repeat(100)]: 1,
        nested: { ['j'.repeat(100)]: { x: 1, y: 2 } },
        map: new Map([['m'.repeat(100), 3]]),
      },
      { maxAttributeLength: 10 },
    );
    expect(out).toEqual({
      [`p.${'k'.repeat(10)}`]: 1,
      [`p.nested.${'j'.repeat(10)}.x`]: 1,
      [`p.nested.${'j'.repeat(10)}.y`]: 2,
      [`p.map.${'m'.repeat(10)}`]: 3,
    });
    expect(tally).toEqual({ truncated: 3, dropped: 0 });
  });

  it('cuts keys inside JSON text, so that one long key shared many times costs bounded text', () => {
    const huge = 'q'.repeat(10 * 1024 * 1024);
    const shared = { [huge]: 1 };
    const { out, tally } = convert({
      list: [...Array.from({ length: 100 }, () => shared), 2],
    });
    expect(out['p.list']).toBe(`[{"${'q'.repeat(4096 - 3)}`);
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });
});

describe('addValueAttributes: nesting past the limit of JSON text', () => {
  it('counts nesting cut short as a truncation', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    const { out, tally } = convert({ deep });
    expect(out['p.deep.n.n.n']).toContain('"[Too deep]"');
    expect(tally).toEqual({ truncated: 1, dropped: 0 });
  });
});

describe('addValueAttributes: every string written is cut', () => {
  it('cuts the text of numbers, Dates and placeholders to maxAttributeLength too', () => {
    const node: Record<string, unknown> = {};
    node.self = node;
    const { out, tally } = convert(
      {
        nan: NaN,
        huge: 2 ** 60,
        when: new Date(0),
        bad: new Date(NaN),
        token: 't',
        node,
      },
      { maxAttributeLength: 5 },
    );
    expect(out).toEqual({
      'p.nan': 'NaN',
      'p.huge': '11529',
      'p.when': '1970-',
      'p.bad': 'Inval',
      'p.token': '[REDA',
      'p.node.self': '[Circ',
    });
    expect(tally).toEqual({ truncated: 5, dropped: 1 });
  });
});

describe('addValueAttributes: a secret-looking name split across levels', () => {
  // { api: { key } } is exported as `p.api.key`, the very attribute that
  // { 'api.key': … } is redacted under.
  it('is redacted, flattened or in JSON text', () => {
    const { out, tally } = convert({
      api: { key: 'k1' },
      Session: { ID: 's1' },
      private: { key: { pem: 'p1' } },
      user: { id: 7 },
      a: { b: { c: { api: { key: 'k2' } } } },
      list: [{ session: { id: 's2' } }, 1],
    });
    expect(out).toEqual({
      'p.api.key': REDACTED,
      'p.Session.ID': REDACTED,
      'p.private.key': REDACTED,
      'p.user.id': 7,
      'p.a.b.c.api': `{"key":"${REDACTED}"}`,
      'p.list': `[{"session":{"id":"${REDACTED}"}},1]`,
    });
    expect(tally).toEqual(NONE);
  });
});

describe('a plain object at the top', () => {
  // The top object's own keys are written without the flattener that
  // writes nested ones: both ways must give the same attributes.
  const throwing = {};
  Object.defineProperty(throwing, 'broken', {
    enumerable: true,
    get: () => {
      throw new Error('getter');
    },
  });
  const cases: [string, Record<string, unknown>][] = [
    ['primitives', { a: 'x', b: 1, c: 2.5, d: true, e: undefined, f: null }],
    ['unexportable numbers', { nan: NaN, inf: -Infinity, big: 2 ** 60 }],
    ['other kinds', { n: 10n, s: Symbol('s'), fn: () => 1 }],
    ['long text', { ['k'.repeat(40)]: 'v'.repeat(40), short: 'ok' }],
    ['secrets', { password: 'hunter2', apiKey: 'k', user: 'ann' }],
    [
      'nested',
      { nested: { deep: { value: 1 } }, list: [1, 2], when: new Date(0) },
    ],
    ['a throwing getter', throwing],
    [
      'more keys than a value may write',
      Object.fromEntries(
        Array.from({ length: MAX_ATTRIBUTES_PER_VALUE + 5 }, (_, i) => [
          `k${i}`,
          i % 2 === 0 ? i : { i },
        ]),
      ),
    ],
  ];

  it.each(cases)(
    'writes %s as the flattener writes it one level down',
    (_, value) => {
      const options = { maxAttributeLength: 20 };
      const top = convert(value, { ...options, prefix: 'p.x' });
      const nested = convert({ x: value }, options);
      expect(top.out).toEqual(nested.out);
      expect(top.tally).toEqual(nested.tally);
    },
  );
});
