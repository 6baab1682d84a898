import { describe, expect, it } from 'vitest';
import { inverseOrder, patchOrder } from '../../../src/core/orderings';
import { changedCells, drawNumbers, FADE_ALPHA, FADE_GREY, FADE_GREY_DARK, fadeMask, labelLayout, NUMBERS_PX, outlineRect, type DigitAtlas } from '../../../src/ui/panels/patch/stepLayers';

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

describe('step numbers from a digit atlas', () => {
  const advance = [6, 4, 6, 6, 7, 6, 6, 6, 6, 6]; // a proportional font: '1' is narrower, '4' wider
  const atlas: DigitAtlas = { canvas: {} as HTMLCanvasElement, advance, cellW: 12, cellH: 20, pad: 3 };

  it('lays a label out digit after digit at the font advances, centred on the cell', () => {
    const at = labelLayout('140', advance, 3, 100);
    const width = 4 + 7 + 6;
    expect(at.map((g) => g.digit)).toEqual([1, 4, 0]);
    expect(at[0].x + 3).toBeCloseTo(100 - width / 2, 12);
    expect(at[1].x - at[0].x).toBe(4);
    expect(at[2].x - at[1].x).toBe(7);
    expect(at[2].x + 3 + advance[0]).toBeCloseTo(100 + width / 2, 12);
  });

  it('draws each label as halos first, then its digits in the shade of its state at the step', () => {
    const calls: { op: string; sy?: number; dx?: number; dy?: number }[] = [];
    const ctx = {
      clearRect: () => calls.push({ op: 'clear' }),
      drawImage: (_c: unknown, _sx: number, sy: number, _sw: number, _sh: number, dx: number, dy: number) => calls.push({ op: 'glyph', sy, dx, dy }),
    } as unknown as CanvasRenderingContext2D;
    // 2 × 2 grid: cell 3 is step 12 (two digits), cell 0 is step 0.
    const inv = Int32Array.from([0, 1, 2, 12]);
    drawNumbers(ctx, atlas, 2, inv, 5, [3, 0]);
    const glyphs = calls.filter((c) => c.op === 'glyph');
    expect(calls.filter((c) => c.op === 'clear')).toHaveLength(2); // each redrawn cell is cleared, not the canvas
    // cell 3 ("12", later than step 5): two halos (atlas row 0), then two digits in the later shade (row 2).
    expect(glyphs.slice(0, 4).map((g) => g.sy)).toEqual([0, 0, 40, 40]);
    // cell 0 ("0", earlier than step 5): halo, then the generated shade (row 1).
    expect(glyphs.slice(4).map((g) => g.sy)).toEqual([0, 20]);
    // Every glyph of cell 3 lies in the lower-right cell of the 512-px canvas.
    for (const g of glyphs.slice(0, 4)) {
      expect(g.dx!).toBeGreaterThanOrEqual(NUMBERS_PX / 2);
      expect(g.dy!).toBeGreaterThanOrEqual(NUMBERS_PX / 2);
    }
  });

  it('clears the whole canvas once when it draws every cell', () => {
    let clears = 0;
    const ctx = { clearRect: () => clears++, drawImage: () => undefined } as unknown as CanvasRenderingContext2D;
    drawNumbers(ctx, atlas, 4, Int32Array.from({ length: 16 }, (_, i) => i), 3);
    expect(clears).toBe(1);
  });
});
