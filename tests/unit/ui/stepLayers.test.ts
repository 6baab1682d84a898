import { describe, expect, it } from 'vitest';
import { inverseOrder, patchOrder } from '../../../src/core/orderings';
import { changedCells, FADE_ALPHA, FADE_GREY, FADE_GREY_DARK, fadeMask, outlineRect } from '../../../src/ui/panels/patch/stepLayers';

const order = patchOrder('random', 6, 6, 3);
const inv = inverseOrder(order);

describe('fadeMask', () => {
  it('fades exactly the patches after the step, as 0.2·pixel + 0.8·grey once composited, light or dark', () => {
    const step = 13;
    for (const grey of [FADE_GREY, FADE_GREY_DARK]) {
      const mask = fadeMask(inv, step, undefined, grey);
      for (let c = 0; c < inv.length; c++) {
        const a = mask[4 * c + 3] / 255;
        expect(a > 0).toBe(inv[c] > step);
        // Source-over compositing of the mask on a pixel value v (0–255), against the intended fade.
        for (const v of [0, 100, 255]) {
          const shown = a * mask[4 * c] + (1 - a) * v;
          const intended = inv[c] > step ? (1 - FADE_ALPHA) * v + FADE_ALPHA * grey : v;
          expect(Math.abs(shown - intended)).toBeLessThan(1);
        }
      }
    }
    // The dark veil sits near the dark scheme's panel ground (#1e2126), the light one near the light page's.
    expect(FADE_GREY_DARK).toBeLessThan(64);
    expect(FADE_GREY).toBeGreaterThan(192);
  });
});

describe('changedCells', () => {
  it('holds every cell whose fade or number shade differs between two steps, and no other', () => {
    const state = (c: number, s: number) => `${inv[c] > s}|${inv[c] < s}`;
    for (const [a, b] of [[0, 35], [20, 3], [7, 7], [10, 11]]) {
      const changed = new Set(changedCells(order, a, b));
      for (let c = 0; c < inv.length; c++) {
        if (state(c, a) !== state(c, b)) expect(changed.has(c)).toBe(true);
        else if (a !== b) expect(changed.has(c)).toBe(inv[c] === Math.min(a, b) || inv[c] === Math.max(a, b));
      }
    }
  });
});

describe('outlineRect', () => {
  it('outlines the cell on any grid, inside it wherever a cell spans at least 8 drawing pixels', () => {
    for (const cols of [2, 8, 32, 64, 256]) {
      for (const cell of [0, cols - 1, cols * cols - 1]) {
        for (const kind of ['next', 'cursor'] as const) {
          const r = outlineRect(cell, cols, kind);
          expect(r.size).toBeGreaterThan(0);
          expect(r.x + r.size / 2).toBeCloseTo((cell % cols) + 0.5);
          expect(r.y + r.size / 2).toBeCloseTo(Math.floor(cell / cols) + 0.5);
          if (cols <= 64) {
            expect(r.x - r.stroke / 2).toBeGreaterThanOrEqual((cell % cols) - 1e-9);
            expect(r.x + r.size + r.stroke / 2).toBeLessThanOrEqual((cell % cols) + 1 + 1e-9);
          }
        }
      }
    }
  });
});
