import { describe, expect, it } from 'vitest';
import { createImage } from '../../../../src/core/image';
import { patchGrid, validPatchSizes } from '../../../../src/core/patch/grid';

describe('patchGrid', () => {
  it('cuts the image into row-major patches holding their pixels row-major, RGB interleaved', () => {
    // 4×2 image, pixel (x, y) has R = x, G = y, B = 10·y + x.
    const img = createImage(4, 2);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 4; x++) img.data.set([x, y, 10 * y + x], (y * 4 + x) * 3);
    }
    const grid = patchGrid(img, 2);
    expect(grid.rows).toBe(1);
    expect(grid.cols).toBe(2);
    expect(grid.patch).toBe(2);
    expect(grid.patches).toHaveLength(2);
    expect(Array.from(grid.patches[0])).toEqual([0, 0, 0, 1, 0, 1, 0, 1, 10, 1, 1, 11]);
    expect(Array.from(grid.patches[1])).toEqual([2, 0, 2, 3, 0, 3, 2, 1, 12, 3, 1, 13]);
  });

  it('makes one patch per pixel at patch size 1 and one patch at the full size', () => {
    const img = createImage(3, 3);
    expect(patchGrid(img, 1).patches).toHaveLength(9);
    expect(patchGrid(img, 3).patches).toHaveLength(1);
  });

  it('throws a RangeError naming the sizes when the image does not divide into patches', () => {
    expect(() => patchGrid(createImage(10, 8), 4)).toThrow(RangeError);
    expect(() => patchGrid(createImage(10, 8), 4)).toThrow(/10×8.*4-pixel/);
    expect(() => patchGrid(createImage(8, 8), 0)).toThrow(RangeError);
    expect(() => patchGrid(createImage(8, 8), 2.5)).toThrow(RangeError);
  });
});

describe('validPatchSizes', () => {
  it('lists the divisors of the working size within [min, max], ascending', () => {
    expect(validPatchSizes(64)).toEqual([2, 4, 8, 16, 32]);
    expect(validPatchSizes(256)).toEqual([2, 4, 8, 16, 32]);
    expect(validPatchSizes(12)).toEqual([2, 3, 4, 6, 12]);
    expect(validPatchSizes(12, 3, 6)).toEqual([3, 4, 6]);
    expect(validPatchSizes(7)).toEqual([7]);
    expect(validPatchSizes(0)).toEqual([]);
  });
});
