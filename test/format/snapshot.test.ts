import { describe, expect, it } from 'vitest';

import { snapshot } from '../../src/format/snapshot.js';

describe('snapshot', () => {
  it('returns primitives as they are', () => {
    expect(snapshot(1)).toBe(1);
    expect(snapshot('a')).toBe('a');
    expect(snapshot(null)).toBeNull();
    expect(snapshot<unknown>(undefined)).toBeUndefined();
    expect(snapshot(5n)).toBe(5n);
  });

  it('copies plain objects and arrays all the way down', () => {
    const original = { a: { b: [1, { c: 2 }] }, d: [[3]] };
    const copy = snapshot(original);

    expect(copy).toStrictEqual(original);
    expect(copy).not.toBe(original);
    expect(copy.a).not.toBe(original.a);
    expect(copy.a.b).not.toBe(original.a.b);
    expect(copy.a.b[1]).not.toBe(original.a.b[1]);
    expect(copy.d[0]).not.toBe(original.d[0]);
  });

  it('leaves the original unchanged when the copy is changed', () => {
    const original: {
      a: { b: number[]; c?: string };
      list: { n: number }[];
    } = { a: { b: [1, 2] }, list: [{ n: 1 }] };
    const copy = snapshot(original);

    copy.a.b.push(3);
    copy.a.c = 'added';
    const first = copy.list[0];
    if (first !== undefined) first.n = 99;
    copy.list.push({ n: 2 });

    expect(original).toStrictEqual({ a: { b: [1, 2] }, list: [{ n: 1 }] });
  });

  it('keeps cycles as cycles in the copy', () => {
    const node: Record<string, unknown> = { name: 'a' };
    node.self = node;
    const list: unknown[] = [node];
    node.list = list;
    list.push(list);

    const copy = snapshot(node);
    expect(copy).not.toBe(node);
    expect(copy.self).toBe(copy);
    const copiedList = copy.list as unknown[];
    expect(copiedList).not.toBe(list);
    expect(copiedList[0]).toBe(copy);
    expect(copiedList[1]).toBe(copiedList);
  });

  it('keeps an object reached twice as one shared copy', () => {
    const shared = { x: 1 };
    const copy = snapshot({ a: shared, b: shared });
    expect(copy.a).toBe(copy.b);
    expect(copy.a).not.toBe(shared);
  });

  it('copies null-prototype objects with a null prototype', () => {
    const original = Object.assign(Object.create(null) as object, { a: 1 });
    const copy = snapshot(original);
    expect(copy).not.toBe(original);
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect({ ...copy }).toEqual({ a: 1 });
  });

  it('copies Dates, Maps, Sets, Buffers and typed arrays, and shares class instances', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const date = new Date(0);
    const map = new Map([['a', { n: 1 }]]);
    const set = new Set([1]);
    const point = new Point(1);
    const bytes = new Uint8Array([1]);
    const buffer = Buffer.from('ab');
    const fn = (): number => 1;
    const error = new Error('e');

    const copy = snapshot({ date, map, set, point, bytes, buffer, fn, error });
    expect(copy.date).not.toBe(date);
    expect(copy.date.getTime()).toBe(0);
    expect(copy.map).not.toBe(map);
    expect(copy.map.get('a')).toEqual({ n: 1 });
    expect(copy.map.get('a')).not.toBe(map.get('a'));
    expect(copy.set).not.toBe(set);
    expect([...copy.set]).toEqual([1]);
    expect(copy.bytes).not.toBe(bytes);
    expect([...copy.bytes]).toEqual([1]);
    expect(Buffer.isBuffer(copy.buffer)).toBe(true);
    copy.buffer[0] = 0x7a;
    expect(buffer.toString()).toBe('ab');
    expect(copy.point).toBe(point);
    expect(copy.fn).toBe(fn);
    expect(copy.error).toBe(error);
  });

  it('hands over a revoked Proxy instead of throwing', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(snapshot({ proxy }).proxy).toBe(proxy);
  });

  it('copies own __proto__ keys as data', () => {
    const original = JSON.parse(
      '{"__proto__":{"polluted":true},"a":1}',
    ) as Record<string, unknown>;
    const copy = snapshot(original);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copies a value behind a throwing getter as undefined', () => {
    const original = {
      ok: 1,
      get broken(): number {
        throw new Error('getter failed');
      },
    };
    const copy = snapshot(original);
    expect(Object.getOwnPropertyDescriptor(copy, 'broken')?.value).toBe(
      undefined,
    );
    expect(copy.ok).toBe(1);
  });

  it('hands over a Proxy whose traps throw as it is', () => {
    const proxy = new Proxy(
      {},
      {
        ownKeys(): never {
          throw new Error('trap');
        },
      },
    );
    const copy = snapshot({ proxy });
    expect(copy.proxy).toBe(proxy);
  });

  it('copies 10,000 levels of nesting without overflowing the stack', () => {
    interface Node {
      child?: Node;
      depth: number;
    }
    let deep: Node = { depth: 10_000 };
    for (let i = 9_999; i >= 0; i--) deep = { child: deep, depth: i };

    const copy = snapshot(deep);
    let original: Node | undefined = deep;
    let copied: Node | undefined = copy;
    let copiedLevels = 0;
    while (original !== undefined && copied !== undefined) {
      expect(copied.depth).toBe(original.depth);
      if (copied === original) break;
      copiedLevels++;
      original = original.child;
      copied = copied.child;
    }
    // The top levels are copies; below a fixed depth the rest is shared.
    expect(copiedLevels).toBe(500);
    expect(copy).not.toBe(deep);
  });
});
