import { describe, expect, it } from 'vitest';
import {
  ORDERING_KINDS,
  ORDERING_LABELS,
  centreCell,
  inverseOrder,
  isPermutation,
  orderFromCustom,
  patchOrder,
  type OrderingKind,
} from '../../../src/core/orderings';

const GRIDS: [number, number][] = [[1, 1], [1, 5], [5, 1], [3, 7], [7, 3], [2, 2], [5, 5], [6, 6], [8, 8], [16, 16], [4, 8], [9, 4]];
const POW2_SQUARES = [1, 2, 4, 8, 16, 32];

function rc(i: number, cols: number): [number, number] {
  return [Math.floor(i / cols), i % cols];
}

function stepsAreFourNeighbourMoves(order: Int32Array, cols: number): boolean {
  for (let s = 1; s < order.length; s++) {
    const [r0, c0] = rc(order[s - 1], cols);
    const [r1, c1] = rc(order[s], cols);
    if (Math.abs(r1 - r0) + Math.abs(c1 - c0) !== 1) return false;
  }
  return true;
}

describe('patchOrder', () => {
  it('lists nine kinds, each with a human label', () => {
    expect(ORDERING_KINDS).toHaveLength(9);
    expect(new Set(ORDERING_KINDS).size).toBe(9);
    for (const kind of ORDERING_KINDS) expect(ORDERING_LABELS[kind].length).toBeGreaterThan(0);
  });

  it('is a permutation of the cells for every kind on square and non-square grids', () => {
    for (const kind of ORDERING_KINDS) {
      for (const [rows, cols] of GRIDS) {
        const order = patchOrder(kind, rows, cols, 7);
        expect(order).toBeInstanceOf(Int32Array);
        expect(isPermutation(order, rows * cols), `${kind} ${rows}×${cols}`).toBe(true);
      }
    }
  });

  it('rejects empty or fractional grids and unknown kinds', () => {
    expect(() => patchOrder('raster', 0, 3)).toThrow(RangeError);
    expect(() => patchOrder('raster', 2, 1.5)).toThrow(RangeError);
    expect(() => patchOrder('nope' as OrderingKind, 2, 2)).toThrow(RangeError);
  });

  it('raster is the identity', () => {
    for (const [rows, cols] of GRIDS) expect(Array.from(patchOrder('raster', rows, cols))).toEqual([...Array(rows * cols).keys()]);
  });

  it('column is column-major', () => {
    expect(Array.from(patchOrder('column', 2, 3))).toEqual([0, 3, 1, 4, 2, 5]);
    for (const [rows, cols] of GRIDS) {
      const order = patchOrder('column', rows, cols);
      order.forEach((cell, s) => expect(cell).toBe((s % rows) * cols + Math.floor(s / rows)));
    }
  });

  it('snake alternates row direction and always moves to a 4-neighbour', () => {
    expect(Array.from(patchOrder('snake', 3, 3))).toEqual([0, 1, 2, 5, 4, 3, 6, 7, 8]);
    for (const [rows, cols] of GRIDS) expect(stepsAreFourNeighbourMoves(patchOrder('snake', rows, cols), cols)).toBe(true);
  });

  it('hilbert starts at the top-left and moves to a 4-neighbour each step on 2^k squares', () => {
    for (const n of POW2_SQUARES) {
      const order = patchOrder('hilbert', n, n);
      expect(order[0]).toBe(0);
      expect(stepsAreFourNeighbourMoves(order, n), `${n}×${n}`).toBe(true);
    }
  });

  it('hilbert on a 2×2 grid is the U shape down, right, up', () => {
    expect(Array.from(patchOrder('hilbert', 2, 2))).toEqual([0, 2, 3, 1]);
  });

  it('zigzag matches the JPEG 8×8 coefficient order', () => {
    const jpeg = [
      0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
      12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
      35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
      58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];
    expect(Array.from(patchOrder('zigzag', 8, 8))).toEqual(jpeg);
  });

  it('zigzag walks anti-diagonals in alternating directions on non-square grids', () => {
    expect(Array.from(patchOrder('zigzag', 2, 3))).toEqual([0, 1, 3, 4, 2, 5]);
    for (const [rows, cols] of GRIDS) {
      const order = patchOrder('zigzag', rows, cols);
      const diag = Array.from(order, (i) => Math.floor(i / cols) + (i % cols));
      for (let s = 1; s < diag.length; s++) expect(diag[s]).toBeGreaterThanOrEqual(diag[s - 1]);
    }
  });

  it('morton visits every aligned 2×2 quad as 4 consecutive steps (Z shape) on 2^k and even grids', () => {
    expect(Array.from(patchOrder('morton', 2, 2))).toEqual([0, 1, 2, 3]);
    for (const [rows, cols] of [[2, 2], [4, 4], [8, 8], [16, 16], [6, 6], [4, 8]]) {
      const order = patchOrder('morton', rows, cols);
      for (let s = 0; s < order.length; s += 4) {
        const quad = Array.from(order.subarray(s, s + 4), (i) => rc(i, cols));
        const [r0, c0] = quad[0];
        expect(r0 % 2).toBe(0);
        expect(c0 % 2).toBe(0);
        expect(quad).toEqual([[r0, c0], [r0, c0 + 1], [r0 + 1, c0], [r0 + 1, c0 + 1]]);
      }
    }
  });

  it('morton finishes each aligned 4×4 block before the next on 2^k squares', () => {
    const order = patchOrder('morton', 8, 8);
    for (let s = 0; s < 64; s += 16) {
      const blocks = new Set(Array.from(order.subarray(s, s + 16), (i) => `${Math.floor(i / 8 / 4)},${Math.floor((i % 8) / 4)}`));
      expect(blocks.size).toBe(1);
    }
  });

  it('spiral starts at the top-left corner, turns clockwise and moves to a 4-neighbour each step', () => {
    expect(Array.from(patchOrder('spiral', 3, 3))).toEqual([0, 1, 2, 5, 8, 7, 6, 3, 4]);
    expect(Array.from(patchOrder('spiral', 2, 3))).toEqual([0, 1, 2, 5, 4, 3]);
    for (const [rows, cols] of GRIDS) {
      const order = patchOrder('spiral', rows, cols);
      expect(order[0]).toBe(0);
      expect(stepsAreFourNeighbourMoves(order, cols), `${rows}×${cols}`).toBe(true);
    }
  });

  it('spiral ends at the centre on odd squares', () => {
    for (const n of [1, 3, 5, 7, 9, 15]) {
      const order = patchOrder('spiral', n, n);
      expect(order[n * n - 1]).toBe(((n - 1) / 2) * n + (n - 1) / 2);
    }
  });

  it('center-out starts at the centre and visits cells by non-decreasing distance from it', () => {
    for (const [rows, cols] of GRIDS) {
      const order = patchOrder('center-out', rows, cols);
      const { row, col } = centreCell(rows, cols);
      expect(order[0]).toBe(row * cols + col);
      const d2 = Array.from(order, (i) => (Math.floor(i / cols) - row) ** 2 + ((i % cols) - col) ** 2);
      for (let s = 1; s < d2.length; s++) expect(d2[s]).toBeGreaterThanOrEqual(d2[s - 1]);
    }
  });

  it('center-out uses the exact centre for odd sizes and breaks distance ties clockwise from up', () => {
    expect(centreCell(5, 5)).toEqual({ row: 2, col: 2 });
    expect(centreCell(4, 6)).toEqual({ row: 1, col: 2 });
    // 3×3: centre, then up, right, down, left, then the corners clockwise from top-right.
    expect(Array.from(patchOrder('center-out', 3, 3))).toEqual([4, 1, 5, 7, 3, 2, 8, 6, 0]);
  });

  it('random is reproducible by seed, differs for another seed and defaults to seed 0', () => {
    const a = patchOrder('random', 8, 8, 42);
    expect(Array.from(patchOrder('random', 8, 8, 42))).toEqual(Array.from(a));
    expect(Array.from(patchOrder('random', 8, 8, 43))).not.toEqual(Array.from(a));
    expect(Array.from(patchOrder('random', 8, 8))).toEqual(Array.from(patchOrder('random', 8, 8, 0)));
    expect(Array.from(a)).not.toEqual([...Array(64).keys()]);
  });

  it('every deterministic kind gives the same order on every call', () => {
    for (const kind of ORDERING_KINDS) expect(Array.from(patchOrder(kind, 5, 7))).toEqual(Array.from(patchOrder(kind, 5, 7)));
  });
});

describe('orderFromCustom', () => {
  it('keeps the painted cells first and completes with the rest in raster order', () => {
    expect(Array.from(orderFromCustom([4, 0, 8], 3, 3))).toEqual([4, 0, 8, 1, 2, 3, 5, 6, 7]);
    expect(Array.from(orderFromCustom([], 2, 2))).toEqual([0, 1, 2, 3]);
    expect(isPermutation(orderFromCustom([5, 3], 2, 3), 6)).toBe(true);
  });

  it('rejects out-of-range, fractional and repeated cells', () => {
    expect(() => orderFromCustom([9], 3, 3)).toThrow(RangeError);
    expect(() => orderFromCustom([-1], 3, 3)).toThrow(RangeError);
    expect(() => orderFromCustom([1.5], 3, 3)).toThrow(RangeError);
    expect(() => orderFromCustom([2, 2], 3, 3)).toThrow(/twice/);
  });
});

describe('inverseOrder', () => {
  it('gives the step of each cell', () => {
    expect(Array.from(inverseOrder(Int32Array.from([2, 0, 3, 1])))).toEqual([1, 3, 0, 2]);
    for (const kind of ORDERING_KINDS) {
      const order = patchOrder(kind, 4, 6, 3);
      const inv = inverseOrder(order);
      order.forEach((cell, s) => expect(inv[cell]).toBe(s));
    }
  });

  it('rejects a non-permutation', () => {
    expect(() => inverseOrder([0, 0, 1])).toThrow(RangeError);
  });
});
