import { describe, expect, it } from 'vitest';
import { SortedSet } from './sorted-set.js';

describe('SortedSet', () => {
  it('keeps values in key order, moves a value on a new key, deletes', () => {
    const set = new SortedSet<string>();
    set.set('c', [3, 0, 3]);
    set.set('a', [1, 0, 1]);
    set.set('b', [2, 0, 2]);
    expect(set.values()).toEqual(['a', 'b', 'c']);
    set.set('a', [4, 0, 1]);
    expect(set.values()).toEqual(['b', 'c', 'a']);
    expect(set.delete('c')).toBe(true);
    expect(set.delete('c')).toBe(false);
    expect(set.values()).toEqual(['b', 'a']);
    expect(set.size).toBe(2);
  });

  it('compares keys element by element', () => {
    const set = new SortedSet<string>();
    set.set('x', [1, 5, 1]);
    set.set('y', [1, 2, 9]);
    set.set('z', [1, 2, 3]);
    expect(set.values()).toEqual(['z', 'y', 'x']);
  });

  it('finds the first value not skipped, and the first above a primary key, wrapping round', () => {
    const set = new SortedSet<string>();
    for (const [i, v] of ['a', 'b', 'c', 'd'].entries()) set.set(v, [i + 1, 0, i + 1]);
    expect(set.first((v) => v === 'a' || v === 'b')).toBe('c');
    expect(set.firstAfter(2)).toBe('c');
    expect(set.firstAfter(4)).toBe('a');
    expect(set.firstAfter(2, (v) => v !== 'b')).toBe('b');
    expect(set.first(() => true)).toBeUndefined();
  });

  it('re-keys every value at once', () => {
    const set = new SortedSet<string>();
    set.set('a', [1, 0, 1]);
    set.set('b', [2, 0, 2]);
    set.rekey((v) => (v === 'a' ? [9, 0, 1] : [0, 0, 2]));
    expect(set.values()).toEqual(['b', 'a']);
    expect(set.delete('a')).toBe(true);
    expect(set.values()).toEqual(['b']);
  });

  it('stays ordered through many random changes', () => {
    const set = new SortedSet<number>();
    const model = new Map<number, number>();
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const value = Math.floor(random() * 200);
      if (random() < 0.3) {
        set.delete(value);
        model.delete(value);
      } else {
        const key = Math.floor(random() * 50);
        set.set(value, [key, 0, value]);
        model.set(value, key);
      }
    }
    const expected = [...model].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([value]) => value);
    expect(set.values()).toEqual(expected);
  });
});
