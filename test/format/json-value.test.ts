import { describe, expect, it } from 'vitest';

import { toJsonValue } from '../../src/format/json-value.js';

/**
 * Converts `value` and checks that JSON takes the result as it is: its
 * JSON text reads back as exactly the same data.
 */
function jsonValue(value: unknown): unknown {
  const converted = toJsonValue(value);
  const text = JSON.stringify(converted);
  expect(typeof text).toBe('string');
  expect(JSON.parse(text)).toStrictEqual(converted);
  return converted;
}

describe('toJsonValue', () => {
  it('keeps strings, booleans, finite numbers and null as they are', () => {
    expect(jsonValue('text')).toBe('text');
    expect(jsonValue(true)).toBe(true);
    expect(jsonValue(1.5)).toBe(1.5);
    expect(jsonValue(null)).toBeNull();
    expect(jsonValue({ a: [1, 'b', false, null] })).toEqual({
      a: [1, 'b', false, null],
    });
  });

  it('writes NaN and the infinities as null', () => {
    expect(jsonValue(NaN)).toBeNull();
    expect(jsonValue(Infinity)).toBeNull();
    expect(jsonValue({ a: -Infinity, b: [NaN, 1] })).toEqual({
      a: null,
      b: [null, 1],
    });
  });

  it('writes BigInts as decimal strings', () => {
    expect(jsonValue(123456789012345678901234567890n)).toBe(
      '123456789012345678901234567890',
    );
    expect(jsonValue({ id: -7n, ids: [1n] })).toEqual({
      id: '-7',
      ids: ['1'],
    });
  });

  it('writes Dates as ISO strings and invalid Dates as null', () => {
    expect(jsonValue(new Date('2026-12-03T21:46:03.819Z'))).toBe(
      '2026-12-03T21:46:03.819Z',
    );
    expect(jsonValue({ at: new Date(NaN) })).toEqual({ at: null });
  });

  it('writes Maps as objects keyed by the text of their keys', () => {
    const map = new Map<unknown, unknown>([
      ['a', 1],
      [2, { b: new Map([['c', 3n]]) }],
      [{}, 'object key'],
    ]);
    expect(jsonValue(map)).toEqual({
      a: 1,
      '2': { b: { c: '3' } },
      '[object Object]': 'object key',
    });
  });

  it('writes Sets as arrays', () => {
    expect(jsonValue(new Set([1, 'a', new Set([2])]))).toEqual([1, 'a', [2]]);
  });

  it('writes typed arrays as arrays, BigInt ones as strings', () => {
    expect(jsonValue(new Uint8Array([1, 2, 255]))).toEqual([1, 2, 255]);
    expect(jsonValue(new Float32Array([0.5, -2]))).toEqual([0.5, -2]);
    expect(jsonValue(new BigInt64Array([1n, -2n]))).toEqual(['1', '-2']);
    // A Buffer has its own toJSON, which JSON.stringify uses too.
    expect(jsonValue(Buffer.from('hi'))).toEqual({
      type: 'Buffer',
      data: [104, 105],
    });
  });

  it("uses a value's own toJSON, as JSON.stringify does", () => {
    expect(jsonValue({ url: new URL('https://example.org/a?b=1') })).toEqual({
      url: 'https://example.org/a?b=1',
    });
    const throwing = {
      toJSON(): never {
        throw new Error('no');
      },
    };
    // A toJSON that throws is as good as none.
    expect(toJsonValue({ throwing, kept: 1 })).toEqual({
      throwing: {},
      kept: 1,
    });
    // One that returns undefined leaves the value out, as JSON.stringify does.
    const absent = { toJSON: (): undefined => undefined, a: 1 };
    const copy = toJsonValue({ absent, kept: 1 });
    expect(copy).toStrictEqual({ kept: 1 });
    expect(JSON.stringify(copy)).toBe(JSON.stringify({ absent, kept: 1 }));
    expect(toJsonValue([absent])).toStrictEqual([null]);
  });

  it('writes NaN and infinities inside float typed arrays as null', () => {
    expect(toJsonValue(new Float64Array([1, NaN, Infinity]))).toStrictEqual([
      1,
      null,
      null,
    ]);
  });

  it('writes a DataView as an empty object', () => {
    expect(jsonValue({ view: new DataView(new ArrayBuffer(4)) })).toEqual({
      view: {},
    });
  });

  it('writes Errors as their name and message', () => {
    expect(jsonValue(new TypeError('bad row 7'))).toStrictEqual({
      name: 'TypeError',
      message: 'bad row 7',
    });
    class FlowError extends Error {
      override name = 'FlowError';
      code = 42;
    }
    expect(jsonValue({ error: new FlowError('disk full') })).toStrictEqual({
      error: { name: 'FlowError', message: 'disk full' },
    });
  });

  it('does not throw for an Error whose message getter throws', () => {
    class BrokenError extends Error {
      override get message(): string {
        throw new Error('message getter');
      }
    }
    expect(() => jsonValue(new BrokenError())).not.toThrow();
  });

  it('writes a cycle as "[Circular]"', () => {
    const node: Record<string, unknown> = { name: 'a' };
    node.self = node;
    node.children = [node, { parent: node }];
    expect(jsonValue(node)).toStrictEqual({
      name: 'a',
      self: '[Circular]',
      children: ['[Circular]', { parent: '[Circular]' }],
    });

    const map = new Map<string, unknown>();
    map.set('me', map);
    expect(jsonValue(map)).toStrictEqual({ me: '[Circular]' });
  });

  it('writes an object reached twice without a cycle in full both times', () => {
    const shared = { x: 1 };
    expect(jsonValue({ a: shared, b: [shared, shared] })).toStrictEqual({
      a: { x: 1 },
      b: [{ x: 1 }, { x: 1 }],
    });
  });

  it('leaves out functions and symbols in objects, and writes null for them in arrays', () => {
    const value = {
      run(): number {
        return 1;
      },
      tag: Symbol('tag'),
      [Symbol('key')]: 'symbol key',
      list: [() => 0, Symbol('x'), 1],
      kept: 1,
    };
    expect(jsonValue(value)).toStrictEqual({ list: [null, null, 1], kept: 1 });
    expect(toJsonValue(() => 0)).toBeUndefined();
    expect(toJsonValue(Symbol('x'))).toBeUndefined();
    expect(toJsonValue(undefined)).toBeUndefined();
  });

  it('leaves out undefined properties and writes undefined elements as null', () => {
    expect(jsonValue({ a: undefined, b: [undefined, 2] })).toStrictEqual({
      b: [null, 2],
    });
  });

  it('writes holes as null', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(jsonValue([1, , 3])).toStrictEqual([1, null, 3]);
    expect(jsonValue(new Array(3))).toStrictEqual([null, null, null]);
  });

  it('leaves out values behind getters that throw', () => {
    const value = {
      ok: 1,
      get broken(): never {
        throw new Error('getter failed');
      },
    };
    const list: unknown[] = [1, 2];
    Object.defineProperty(list, 1, {
      get(): never {
        throw new Error('index getter failed');
      },
    });
    expect(jsonValue({ value, list })).toStrictEqual({
      value: { ok: 1 },
      list: [1, null],
    });
  });

  it('writes an object whose Proxy traps throw without throwing', () => {
    const fail = (): never => {
      throw new Error('trap');
    };
    const getOnly = new Proxy({ a: 1 }, { get: fail });
    expect(jsonValue({ getOnly })).toStrictEqual({ getOnly: {} });

    const everyTrap = new Proxy(
      { a: 1 },
      { getPrototypeOf: fail, ownKeys: fail, get: fail },
    );
    expect(() => toJsonValue({ everyTrap, n: 1 })).not.toThrow();
  });

  it.each([
    ['Date', (): object => new Proxy(new Date(0), {})],
    ['Map', (): object => new Proxy(new Map([['a', 1]]), {})],
    ['Set', (): object => new Proxy(new Set([1]), {})],
  ])('does not throw for a transparent Proxy around a %s', (_kind, make) => {
    expect(() => jsonValue({ wrapped: make(), n: 1 })).not.toThrow();
  });

  it('keeps own __proto__ and constructor keys as data without polluting prototypes', () => {
    const parsed = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"a":{"__proto__":[1]}}',
    ) as unknown;
    const converted = toJsonValue(parsed) as Record<string, unknown>;

    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect(Object.hasOwn(converted, '__proto__')).toBe(true);
    expect(
      Object.getOwnPropertyDescriptor(converted, '__proto__')?.value,
    ).toEqual({ polluted: true });
    expect(JSON.stringify(converted)).toBe(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"a":{"__proto__":[1]}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(
      (Object.prototype as unknown as Record<string, unknown>).polluted,
    ).toBeUndefined();
  });

  it('converts a Map keyed "__proto__" into an own key', () => {
    const converted = toJsonValue(
      new Map([['__proto__', { polluted: true }]]),
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect(JSON.stringify(converted)).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('converts 10,000 levels of nested objects without overflowing the stack', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10_000; i++) deep = { child: deep };

    const converted = toJsonValue(deep);
    const text = JSON.stringify(converted);
    expect(typeof text).toBe('string');

    // Nesting stops at a placeholder.
    let node: unknown = converted;
    let levels = 0;
    while (typeof node === 'object' && node !== null) {
      node = (node as Record<string, unknown>).child;
      levels++;
    }
    expect(node).toBe('[Too deep]');
    expect(levels).toBe(200);
  });

  it('converts 10,000 levels of nested arrays without overflowing the stack', () => {
    let deep: unknown[] = [1];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const text = JSON.stringify(toJsonValue(deep));
    expect(text.startsWith('[[[')).toBe(true);
    expect(text).toContain('"[Too deep]"');
  });

  it('copies: changing the result leaves the input as it was', () => {
    const input = { a: { b: [1, 2] } };
    const converted = toJsonValue(input) as { a: { b: number[] } };
    converted.a.b.push(3);
    expect(input).toEqual({ a: { b: [1, 2] } });
  });
});
