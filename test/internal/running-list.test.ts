import { describe, expect, it } from 'vitest';

import {
  RunningList,
  type RunningNode,
} from '../../src/internal/running-list.js';

class Item implements RunningNode {
  previousRunning: Item | undefined = undefined;
  nextRunning: Item | undefined = undefined;
  constructor(readonly id: number) {}
}

function ids(list: RunningList<Item>): number[] {
  return [...list].map((item) => item.id);
}

function filled(count: number): [RunningList<Item>, Item[]] {
  const list = new RunningList<Item>();
  const items = Array.from({ length: count }, (_, i) => new Item(i));
  for (const item of items) list.append(item);
  return [list, items];
}

function at(items: readonly Item[], index: number): Item {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

describe('RunningList', () => {
  it('starts empty', () => {
    const list = new RunningList<Item>();
    expect(list.newest).toBeUndefined();
    expect(list.oldest).toBeUndefined();
    expect(list.size).toBe(0);
    expect(ids(list)).toEqual([]);
  });

  it('iterates oldest first and knows the newest', () => {
    const [list, items] = filled(3);
    expect(ids(list)).toEqual([0, 1, 2]);
    expect(list.newest).toBe(at(items, 2));
  });

  it('removes the newest, and the one before becomes the newest', () => {
    const [list, items] = filled(3);
    list.remove(at(items, 2));
    expect(ids(list)).toEqual([0, 1]);
    expect(list.newest).toBe(at(items, 1));
  });

  it('removes the oldest', () => {
    const [list, items] = filled(3);
    list.remove(at(items, 0));
    expect(ids(list)).toEqual([1, 2]);
    expect(list.newest).toBe(at(items, 2));
  });

  it('removes one in the middle', () => {
    const [list, items] = filled(3);
    list.remove(at(items, 1));
    expect(ids(list)).toEqual([0, 2]);
    expect(at(items, 0).nextRunning).toBe(at(items, 2));
    expect(at(items, 2).previousRunning).toBe(at(items, 0));
  });

  it('removes the only item and is empty again', () => {
    const [list, items] = filled(1);
    list.remove(at(items, 0));
    expect(list.newest).toBeUndefined();
    expect(ids(list)).toEqual([]);
  });

  it('lets the item being visited be removed while iterating', () => {
    const [list, items] = filled(4);
    const seen: number[] = [];
    for (const item of list) {
      seen.push(item.id);
      if (item.id % 2 === 0) list.remove(item);
    }
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(ids(list)).toEqual([1, 3]);
    expect(list.oldest).toBe(at(items, 1));
    expect(list.size).toBe(2);
  });

  it('clears the links of a removed item', () => {
    const [list, items] = filled(3);
    const middle = at(items, 1);
    list.remove(middle);
    expect(middle.previousRunning).toBeUndefined();
    expect(middle.nextRunning).toBeUndefined();
  });

  it('appends after removals, and re-appends a removed item as the newest', () => {
    const [list, items] = filled(3);
    list.remove(at(items, 0));
    list.remove(at(items, 2));
    list.append(at(items, 0));
    list.append(new Item(3));
    expect(ids(list)).toEqual([1, 0, 3]);
    expect(list.newest?.id).toBe(3);
  });

  it('stays consistent with a reference list over 10,000 random operations', () => {
    let state = 12345;
    const random = (): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const list = new RunningList<Item>();
    const reference: Item[] = [];
    let next = 0;
    for (let step = 0; step < 10_000; step++) {
      if (reference.length === 0 || random() < 0.55) {
        const item = new Item(next++);
        list.append(item);
        reference.push(item);
      } else {
        const index = Math.floor(random() * reference.length);
        const [item] = reference.splice(index, 1);
        if (item !== undefined) list.remove(item);
      }
      expect(list.newest).toBe(reference.at(-1));
      expect(list.oldest).toBe(reference[0]);
      expect(list.size).toBe(reference.length);
    }
    expect(ids(list)).toEqual(reference.map((item) => item.id));
  });
});
