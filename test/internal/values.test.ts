import { describe, expect, it } from 'vitest';

import {
  cutString,
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
