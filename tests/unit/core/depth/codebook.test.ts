import { describe, expect, it } from 'vitest';
import { codebookHealth, usageByRank } from '../../../../src/core/depth/codebook';

describe('codebookHealth', () => {
  it('uniform usage: perplexity K, no dead codes', () => {
    const K = 8;
    const codes = Int32Array.from({ length: 32 }, (_, i) => i % K);
    const h = codebookHealth(codes, K);
    expect(h.perplexity).toBeCloseTo(8, 12);
    expect(h.dead).toBe(0);
    expect(Array.from(h.counts)).toEqual(new Array(K).fill(4));
  });

  it('all patches on one code: perplexity 1, K − 1 dead', () => {
    const h = codebookHealth(new Int32Array(10).fill(3), 16);
    expect(h.perplexity).toBe(1);
    expect(h.dead).toBe(15);
  });

  it('two codes used 3:1 of 4: perplexity 2^H(3/4, 1/4), two dead', () => {
    const h = codebookHealth(Int32Array.from([0, 0, 0, 2]), 4);
    const H = -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25));
    expect(h.perplexity).toBeCloseTo(2 ** H, 12);
    expect(h.dead).toBe(2);
  });

  it('refuses codes outside the codebook', () => {
    expect(() => codebookHealth(Int32Array.from([4]), 4)).toThrow(RangeError);
  });
});

describe('usageByRank', () => {
  it('sorts by frequency, one bar per code when few', () => {
    expect(usageByRank([1, 5, 0, 3]).map((b) => b.value)).toEqual([5, 3, 1, 0]);
  });

  it('bins the tail into at most maxBars bars of mean usage, covering every rank once', () => {
    const counts = Array.from({ length: 4096 }, (_, i) => i % 7);
    const bars = usageByRank(counts, 64);
    expect(bars.length).toBeLessThanOrEqual(64);
    expect(bars[0].from).toBe(0);
    expect(bars[bars.length - 1].to).toBe(4095);
    let total = 0;
    for (let i = 0; i < bars.length; i++) {
      if (i > 0) expect(bars[i].from).toBe(bars[i - 1].to + 1);
      total += bars[i].value * (bars[i].to - bars[i].from + 1);
    }
    expect(total).toBeCloseTo(counts.reduce((a, b) => a + b, 0), 9);
  });
});
