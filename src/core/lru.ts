// A least-recently-used map: the caches of the page and the workers keep their most recent entries with it.
// JavaScript's Map iterates in insertion order, so deleting and setting a key again makes it the most recent, and
// the first key is always the least recent.

export interface LruLimits {
  /** At most this many entries. */
  entries: number;
  /** At most this total weight (the weights given to set); no limit if omitted. */
  weight?: number;
}

/** Keeps the most recently used entries within its limits; `get` and `set` make a key the most recent. */
export class LruMap<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private total = 0;

  constructor(private readonly limits: LruLimits) {
    if (!(limits.entries >= 1)) throw new RangeError(`an LRU map keeps at least one entry, got ${limits.entries}`);
  }

  /** How many entries are kept. */
  get size(): number {
    return this.map.size;
  }

  /** The total weight of the kept entries. */
  get weight(): number {
    return this.total;
  }

  /** The value for key, made the most recent; undefined on a miss. */
  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  /**
   * The value for key, made the most recent; on a miss, `make()`'s value, kept as the most recent entry with the
   * weight `weigh` gives it (0 without). Within the limits as `set`: a value too heavy to keep is still returned.
   */
  getOrSet(key: K, make: () => V, weigh?: (value: V) => number): V {
    const entry = this.map.get(key);
    if (entry !== undefined) {
      this.map.delete(key);
      this.map.set(key, entry);
      return entry.value;
    }
    const value = make();
    this.set(key, value, weigh ? weigh(value) : 0);
    return value;
  }

  /** The value for key without changing which entry is the most recent. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /**
   * Keeps value for key as the most recent entry, then drops the least recent entries until both limits hold.
   * An entry heavier than the weight limit on its own is not kept (and any old value for key is dropped).
   */
  set(key: K, value: V, weight = 0): this {
    if (!(weight >= 0)) throw new RangeError(`an entry's weight is a number ≥ 0, got ${weight}`);
    this.delete(key);
    if (this.limits.weight !== undefined && weight > this.limits.weight) return this;
    this.map.set(key, { value, weight });
    this.total += weight;
    while (this.map.size > this.limits.entries || (this.limits.weight !== undefined && this.total > this.limits.weight)) {
      this.delete(this.map.keys().next().value as K);
    }
    return this;
  }

  delete(key: K): boolean {
    const entry = this.map.get(key);
    if (entry === undefined) return false;
    this.map.delete(key);
    this.total -= entry.weight;
    return true;
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }

  /** The keys, least recent first. */
  keys(): K[] {
    return [...this.map.keys()];
  }
}

/**
 * Values kept with the object they are made from, a few per object (by a key naming the other inputs), while that
 * object lives: `kept(owner, key, make)` is make()'s value the first time, the same value after. For data that is
 * not changed once made (an answer, an image), so a view of it shown before is not made again.
 */
export function keptWith<V>(perOwner: number): (owner: object, key: string, make: () => V) => V {
  const kept = new WeakMap<object, LruMap<string, V>>();
  return (owner, key, make) => {
    let values = kept.get(owner);
    if (!values) kept.set(owner, (values = new LruMap({ entries: perOwner })));
    return values.getOrSet(key, make);
  };
}
