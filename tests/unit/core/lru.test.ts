// The LRU map against its definition: after any sequence of operations it holds exactly the entries a plain list
// in recency order holds (most recent last, the least recent dropped first while a limit is exceeded).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keptWith, LruMap } from '../../../src/core/lru';

type Op = { op: 'set' | 'getOrSet'; key: number; value: number; weight: number } | { op: 'get' | 'peek' | 'delete'; key: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('set' as const, 'getOrSet' as const), key: fc.integer({ min: 0, max: 7 }), value: fc.integer(), weight: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ op: fc.constantFrom('get' as const, 'peek' as const, 'delete' as const), key: fc.integer({ min: 0, max: 7 }) }),
);

/** The reference: entries in recency order, least recent first. */
function reference(ops: Op[], entries: number, weight: number | undefined): { key: number; value: number; weight: number }[] {
  let list: { key: number; value: number; weight: number }[] = [];
  for (const o of ops) {
    const i = list.findIndex((e) => e.key === o.key);
    if (o.op === 'set' || (o.op === 'getOrSet' && i < 0)) {
      if (i >= 0) list.splice(i, 1);
      if (weight !== undefined && o.weight > weight) continue;
      list.push({ key: o.key, value: o.value, weight: o.weight });
      const total = () => list.reduce((s, e) => s + e.weight, 0);
      while (list.length > entries || (weight !== undefined && total() > weight)) list = list.slice(1);
    } else if ((o.op === 'get' || o.op === 'getOrSet') && i >= 0) {
      list.push(...list.splice(i, 1));
    } else if (o.op === 'delete' && i >= 0) {
      list.splice(i, 1);
    }
  }
  return list;
}

describe('LruMap', () => {
  it('holds exactly what a list in recency order holds, for any operations and limits (getOrSet: a get, else a set)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }), (ops, entries, weight) => {
        const lru = new LruMap<number, number>({ entries, weight });
        const got: (number | undefined)[] = [];
        const want: (number | undefined)[] = [];
        for (let n = 0; n < ops.length; n++) {
          const o = ops[n];
          const before = reference(ops.slice(0, n), entries, weight).find((e) => e.key === o.key)?.value;
          if (o.op === 'set') lru.set(o.key, o.value, o.weight);
          else if (o.op === 'getOrSet') {
            // A hit returns the kept value and makes nothing; a miss makes the value (returned even if too heavy to keep).
            let made = 0;
            got.push(lru.getOrSet(o.key, () => (made++, o.value), () => o.weight));
            want.push(before ?? o.value);
            expect(made).toBe(before === undefined ? 1 : 0);
          }
          else if (o.op === 'delete') expect(lru.delete(o.key)).toBe(before !== undefined);
          else {
            got.push(o.op === 'get' ? lru.get(o.key) : lru.peek(o.key));
            want.push(before);
          }
        }
        const list = reference(ops, entries, weight);
        expect(got).toEqual(want);
        expect(lru.keys()).toEqual(list.map((e) => e.key));
        expect(lru.size).toBe(list.length);
        expect(lru.weight).toBe(list.reduce((s, e) => s + e.weight, 0));
        expect(lru.size).toBeLessThanOrEqual(entries);
        if (weight !== undefined) expect(lru.weight).toBeLessThanOrEqual(weight);
      }),
      { seed: 2026_12_06, numRuns: 300 },
    );
  });

  it('drops the least recently used entry, where a get counts as use and a peek does not', () => {
    const lru = new LruMap<string, number>({ entries: 2 });
    lru.set('a', 1).set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect(lru.keys()).toEqual(['a', 'c']);
    lru.peek('a');
    lru.set('d', 4);
    expect(lru.keys()).toEqual(['c', 'd']);
  });

  it('does not keep an entry heavier than the whole weight limit, and drops the old value of its key', () => {
    const lru = new LruMap<string, string>({ entries: 4, weight: 10 });
    lru.set('x', 'small', 3);
    lru.set('x', 'huge', 11);
    expect(lru.has('x')).toBe(false);
    expect(lru.weight).toBe(0);
  });

  it('refuses limits and weights that cannot hold', () => {
    expect(() => new LruMap({ entries: 0 })).toThrow(RangeError);
    expect(() => new LruMap({ entries: 2 }).set('a', 1, Number.NaN)).toThrow(RangeError);
    expect(() => new LruMap({ entries: 2 }).set('a', 1, -1)).toThrow(RangeError);
  });
});

describe('keptWith', () => {
  it('makes a value once per owner and key, keeps the few most recent keys per owner, and owners apart', () => {
    const kept = keptWith<{ made: string }>(2);
    let makes = 0;
    const make = (what: string) => () => ({ made: `${what} #${++makes}` });
    const a = {}, b = {};
    const first = kept(a, 'x', make('a x'));
    expect(kept(a, 'x', make('a x'))).toBe(first);
    expect(makes).toBe(1);
    expect(kept(b, 'x', make('b x'))).not.toBe(first); // another owner has its own
    kept(a, 'y', make('a y'));
    expect(kept(a, 'x', make('a x'))).toBe(first); // x is now the most recent of a's two
    kept(a, 'z', make('a z')); // drops y, the least recent
    expect(makes).toBe(4);
    kept(a, 'y', make('a y'));
    expect(makes).toBe(5);
    expect(kept(a, 'x', make('a x'))).not.toBe(first); // x was dropped for y
  });
});
