import { describe, expect, it } from 'vitest';

import {
  escapeHtml,
  jsonForScript,
} from '../../../src/cli/timeline/escape-html.js';

describe('escapeHtml', () => {
  it('escapes every character that could start or end markup or an attribute', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;',
    );
  });

  it('leaves other text as it is', () => {
    expect(escapeHtml('héllo ✓ 𝄞 a/b')).toBe('héllo ✓ 𝄞 a/b');
    expect(escapeHtml('')).toBe('');
  });

  it('escapes an ampersand once, so that entities show as typed', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});

describe('jsonForScript', () => {
  it('writes no < or > or &, so that no </script> or <!-- survives', () => {
    const value = {
      a: '</script><script>window.__pwned=1</script>',
      b: '<!-- x -->',
      c: 'a & b',
    };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&]/);
    expect(json).toContain('\\u003c/script\\u003e');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('escapes the line and paragraph separators', () => {
    const json = jsonForScript({ s: 'a\u2028b\u2029c' });
    expect(json).toBe('{"s":"a\\u2028b\\u2029c"}');
    expect(JSON.parse(json)).toEqual({ s: 'a\u2028b\u2029c' });
  });

  it('writes null for what JSON cannot hold at the top', () => {
    expect(jsonForScript(undefined)).toBe('null');
  });
});
