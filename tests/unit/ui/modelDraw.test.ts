import { describe, expect, it } from 'vitest';
import { patchOrder } from '../../../src/core/orderings';
import { DIGIT_SCALE, digitAtStep, heatmapTable, heatmapText, niceMax } from '../../../src/ui/panels/patch/modelDraw';

// A 4×4 "digit" of 2-px patches (a 2×2 grid), pixel value = its index / 16.
const side = 4;
const patch = 2;
const digit = Float32Array.from({ length: 16 }, (_, i) => i / 16);
const order = patchOrder('raster', 2, 2);
const at = (img: { width: number; data: Float32Array }, x: number, y: number) => img.data[(y * img.width + x) * 3];

describe('digitAtStep', () => {
  it('shows earlier patches, the given prediction for this step (outlined), and greys later ones', () => {
    const next = new Float32Array(4).fill(1);
    const img = digitAtStep({ side, patch, order }, digit, 1, { next });
    expect(img.width).toBe(side * DIGIT_SCALE);
    const mid = DIGIT_SCALE / 2; // the middle of a digit pixel, away from outlines
    expect(at(img, mid, mid)).toBeCloseTo(digit[0]); // step 0: generated
    expect(at(img, 2 * DIGIT_SCALE + mid, mid)).toBe(1); // step 1 (cell 1): the prediction
    expect(at(img, 2 * DIGIT_SCALE, 0)).toBeCloseTo(0.84); // its outline
    const grey = at(img, mid, 2 * DIGIT_SCALE + mid); // step 2: not generated yet
    expect(grey).toBeCloseTo(0.55);
    expect(at(img, 3 * DIGIT_SCALE + mid, 3 * DIGIT_SCALE + mid)).toBe(grey);
  });

  it('shows the whole digit without an outline after the last step', () => {
    const img = digitAtStep({ side, patch, order }, digit, 4);
    for (let p = 0; p < 16; p++) expect(at(img, (p % 4) * DIGIT_SCALE, Math.floor(p / 4) * DIGIT_SCALE)).toBeCloseTo(digit[p]);
  });
});

describe('heat map helpers', () => {
  it('rounds the colour scale up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0.07)).toBeCloseTo(0.1);
    expect(niceMax(0.012)).toBeCloseTo(0.02);
    expect(niceMax(0.3)).toBeCloseTo(0.5);
    expect(niceMax(0.02)).toBeCloseTo(0.02);
    expect(niceMax(0)).toBe(1);
  });

  it('lists every value with its step, one grid row per line', () => {
    expect(heatmapText({ rows: 2, cols: 2, cells: [0.5, 0.25, 0.001, 0.125] }, [0, 1, 3, 2])).toBe(
      'row 1: 0.500 (step 0), 0.250 (step 1)\nrow 2: 0.0010 (step 3), 0.125 (step 2)',
    );
  });

  it('gives the same cells as a table for its CSV and data table: row, column, step, value in full', () => {
    expect(heatmapTable({ rows: 2, cols: 2, cells: [0.5, 0.25, 0.001, 0.125] }, [0, 1, 3, 2])).toEqual({
      header: ['row', 'column', 'step', 'held-out MSE per patch'],
      rows: [[1, 1, 0, 0.5], [1, 2, 1, 0.25], [2, 1, 3, 0.001], [2, 2, 2, 0.125]],
    });
  });
});
