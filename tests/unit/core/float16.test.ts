import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, fromFloat16Bits, toFloat16Bits } from '../../../src/core/float16';

describe('float16 (IEEE 754 binary16)', () => {
  it('decodes the defining values: 1, −2, the largest 65504, the smallest normal 2⁻¹⁴ and subnormal 2⁻²⁴, ±∞, NaN', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x7c00, 0xfc00].map(fromFloat16Bits)).toEqual([1, -2, 65504, 2 ** -14, 2 ** -24, Infinity, -Infinity]);
    expect(fromFloat16Bits(0x7e00)).toBeNaN();
    expect(Object.is(fromFloat16Bits(0x8000), -0)).toBe(true);
  });

  it('encodes every finite float16 value to itself, and every midpoint between neighbours to the even one', () => {
    let wrong = 0;
    for (let h = 0; h < 0x7c00; h++) {
      const v = fromFloat16Bits(h);
      if (toFloat16Bits(v) !== h || toFloat16Bits(-v) !== (h | 0x8000)) wrong++;
      if (h < 0x7bff) {
        const mid = (v + fromFloat16Bits(h + 1)) / 2;
        if (toFloat16Bits(mid) !== (h % 2 === 0 ? h : h + 1)) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it('rounds beyond the range to ±∞, below half the smallest subnormal to 0, and round-trips arrays', () => {
    expect(toFloat16Bits(65520)).toBe(0x7c00);
    expect(toFloat16Bits(-1e6)).toBe(0xfc00);
    expect(toFloat16Bits(2 ** -26)).toBe(0);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    const values = [0.1, -3.25, 1000.5, 7e-5];
    const back = decodeFloat16(encodeFloat16(values), new Float32Array(4));
    values.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11));
  });
});
