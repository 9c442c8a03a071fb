import { describe, expect, it } from 'vitest';

import { printable } from '../../src/cli/printable.js';

describe('printable', () => {
  it('leaves ordinary text alone, other scripts and emoji included', () => {
    expect(printable('load-orders: 3 rows, café, 数据, 🚀')).toBe(
      'load-orders: 3 rows, café, 数据, 🚀',
    );
  });

  it('escapes what could clear the screen or ring the bell', () => {
    expect(printable('a\u001b[2Jb\u0007c\u007fd\u009be')).toBe(
      'a\\u001b[2Jb\\u0007c\\u007fd\\u009be',
    );
  });

  it('escapes newlines, tabs and returns, so one field cannot forge a line or column', () => {
    expect(printable('x\nload   1   0\r\tfake')).toBe(
      'x\\u000aload   1   0\\u000d\\u0009fake',
    );
  });

  it('escapes the Unicode line separators and the bidirectional controls', () => {
    expect(printable('a\u2028b\u2029c\u202ed\u2066e\u2069')).toBe(
      'a\\u2028b\\u2029c\\u202ed\\u2066e\\u2069',
    );
  });
});
