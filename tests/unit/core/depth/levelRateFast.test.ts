import { describe, expect, it } from 'vitest';
import { levelRateFast } from '../../../../src/core/depth/levelRateFast';
import { levelRate } from '../../../../src/core/depth/rate';
import { mulberry32 } from '../../../../src/core/random';

describe('levelRateFast', () => {
  it('equals levelRate on random levels of several spreads (to 1e-12 relative)', () => {
    const r = mulberry32(4);
    for (const spread of [1, 3, 40, 1000, 70000]) {
      const levels = Int32Array.from({ length: 5000 }, () => Math.round((r() - 0.5) * spread * (r() < 0.5 ? 0.1 : 1)));
      const fast = levelRateFast(levels, 1234);
      const slow = levelRate(levels, 1234);
      expect(Math.abs(fast.fixedBpp - slow.fixedBpp)).toBeLessThanOrEqual(1e-12 * slow.fixedBpp);
      expect(Math.abs(fast.entropyBpp - slow.entropyBpp)).toBeLessThanOrEqual(1e-12 * Math.max(1, slow.entropyBpp));
    }
  });

  it('costs nothing for no levels or a constant set, and falls back for a huge range', () => {
    expect(levelRateFast(new Int32Array(0), 10)).toEqual({ fixedBpp: 0, entropyBpp: 0 });
    expect(levelRateFast(new Int32Array([5, 5, 5]), 10)).toEqual({ fixedBpp: 0, entropyBpp: 0 });
    const wide = new Int32Array([-(2 ** 30), 0, 2 ** 30]);
    expect(levelRateFast(wide, 3)).toEqual(levelRate(wide, 3));
  });
});
