import { describe, expect, it } from 'vitest';

import {
  cutString,
  describeKind,
  describeValue,
  errorMessage,
  isPlainRecord,
  safeString,
  setOwn,
} from '../../src/internal/values.js';

const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('cutString', () => {
  it('never ends on half a surrogate pair', () => {
    const text = '\u{1F600}'.repeat(50);
    for (let max = 1; max <= 100; max++) {
      const cut = cutString(text, max);
      expect(cut.length).toBe(max % 2 === 0 ? max : max - 1);
      expect(LONE_SURROGATE.test(cut)).toBe(false);
    }
  });

  it('cuts plain text to exactly the limit', () => {
    expect(cutString('abcdef', 3)).toBe('abc');
  });
});

describe('errorMessage', () => {
  it('takes the message of an Error, a string as it is, and text of the rest', () => {
    expect(errorMessage(new TypeError('bad'))).toBe('bad');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBeUndefined();
    expect(errorMessage(null)).toBeUndefined();
  });

  it('survives an Error whose message getter throws', () => {
    class Broken extends Error {
      override get message(): string {
        throw new Error('getter');
      }
    }
    expect(errorMessage(new Broken())).toBe('[unprintable value]');
  });
});

describe('safeString', () => {
  it('gives a placeholder when String() throws', () => {
    const hostile = {
      toString(): string {
        throw new Error('no');
      },
    };
    expect(safeString(hostile)).toBe('[unprintable value]');
    expect(safeString(Symbol('s'))).toBe('Symbol(s)');
  });
});

describe('setOwn', () => {
  it('keeps __proto__ as plain data', () => {
    const target: Record<string, number> = {};
    setOwn(target, '__proto__', 1);
    expect(Object.keys(target)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(JSON.stringify(target)).toBe('{"__proto__":1}');
  });
});

describe('describeKind', () => {
  it('names the kind of a value and nothing of its content', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(
      [
        null,
        undefined,
        [1],
        {},
        () => 1,
        'secret',
        7,
        7n,
        true,
        Symbol('s'),
        proxy,
      ].map(describeKind),
    ).toEqual([
      'null',
      'nothing',
      'an array',
      'an object',
      'a function',
      'a string of 6 characters',
      'a number',
      'a bigint',
      'a boolean',
      'a symbol',
      'an object',
    ]);
  });
});

describe('isPlainRecord and describeValue', () => {
  it('tell objects from arrays and describe what was received', () => {
    expect(isPlainRecord({})).toBe(true);
    expect(isPlainRecord([])).toBe(false);
    expect(isPlainRecord(null)).toBe(false);
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue('x'.repeat(50))).toBe(
      `the string "${'x'.repeat(40)}…"`,
    );
    expect(describeValue(7)).toBe('number 7');
    expect(describeValue(() => 1)).toBe('a function');
  });
});

describe('safeString of arrays', () => {
  function countingReads(target: unknown[]): {
    proxy: unknown[];
    reads: { count: number };
  } {
    const reads = { count: 0 };
    const proxy = new Proxy(target, {
      get(object, key, receiver): unknown {
        reads.count++;
        return Reflect.get(object, key, receiver);
      },
    });
    return { proxy, reads };
  }

  it('reads a bounded number of slots of a huge sparse array', () => {
    const sparse: unknown[] = [];
    sparse[1_999_999] = 'last';
    const { proxy, reads } = countingReads(sparse);
    const text = safeString(proxy);
    expect(reads.count).toBeLessThan(100_000);
    expect(text).toMatch(/^,+…$/);
  });

  it('gives the text String() gives for arrays within the bound', () => {
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic, [2, [3, null]], undefined);
    for (const list of [[], [1, 'a', null], [[1, [2]], 3], cyclic]) {
      expect(safeString(list)).toBe(String(list));
    }
    expect(safeString(Uint8Array.of(1, 2))).toBe('1,2');
  });
});

describe('values that cannot even be asked what they are', () => {
  it('a revoked Proxy is described, and is no plain record, without throwing', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(isPlainRecord(proxy)).toBe(false);
    expect(describeValue(proxy)).toBe('an object');
  });
});
