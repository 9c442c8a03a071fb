import { describe, expect, it } from 'vitest';

import { Deque } from '../../src/mirror/deque.js';

describe('Deque', () => {
  it('starts empty', () => {
    const deque = new Deque<number>();
    expect(deque.length).toBe(0);
    expect(deque.shift()).toBeUndefined();
    expect(deque.toArray()).toEqual([]);
    expect([...deque]).toEqual([]);
  });

  it('shifts items in the order they were pushed', () => {
    const deque = new Deque<string>();
    deque.push('a');
    deque.push('b');
    deque.push('c');
    expect(deque.length).toBe(3);
    expect(deque.shift()).toBe('a');
    expect(deque.shift()).toBe('b');
    expect(deque.length).toBe(1);
    deque.push('d');
    expect(deque.toArray()).toEqual(['c', 'd']);
    expect(deque.shift()).toBe('c');
    expect(deque.shift()).toBe('d');
    expect(deque.shift()).toBeUndefined();
    expect(deque.length).toBe(0);
  });

  it('keeps undefined-free counts after shifting more than it holds', () => {
    const deque = new Deque<number>();
    deque.push(1);
    expect(deque.shift()).toBe(1);
    expect(deque.shift()).toBeUndefined();
    expect(deque.shift()).toBeUndefined();
    expect(deque.length).toBe(0);
    deque.push(2);
    expect(deque.length).toBe(1);
    expect(deque.toArray()).toEqual([2]);
  });

  it('iterates front first without removing anything', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 5; i++) deque.push(i);
    deque.shift();
    expect([...deque]).toEqual([1, 2, 3, 4]);
    expect(deque.length).toBe(4);
  });

  it('returns a copy from toArray', () => {
    const deque = new Deque<number>();
    deque.push(1);
    const items = deque.toArray();
    items.push(2);
    items[0] = 99;
    expect(deque.toArray()).toEqual([1]);
  });

  it('keeps order and length through many interleaved pushes and shifts', () => {
    const deque = new Deque<number>();
    const reference: number[] = [];
    let next = 0;
    // Past the compaction threshold several times over.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 700; i++) {
        deque.push(next);
        reference.push(next);
        next++;
      }
      for (let i = 0; i < 600; i++) {
        expect(deque.shift()).toBe(reference.shift());
      }
      expect(deque.length).toBe(reference.length);
    }
    expect(deque.toArray()).toEqual(reference);
    expect([...deque]).toEqual(reference);
    while (reference.length > 0) expect(deque.shift()).toBe(reference.shift());
    expect(deque.length).toBe(0);
    expect(deque.shift()).toBeUndefined();
  });

  it('holds falsy items as items', () => {
    const deque = new Deque<number | string | null>();
    deque.push(0);
    deque.push('');
    deque.push(null);
    expect(deque.length).toBe(3);
    expect(deque.toArray()).toEqual([0, '', null]);
    expect(deque.shift()).toBe(0);
    expect(deque.shift()).toBe('');
    expect(deque.shift()).toBeNull();
  });
});
