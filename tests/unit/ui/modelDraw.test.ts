import { describe, expect, it } from 'vitest';
import { patchOrder } from '../../../src/core/orderings';
import { readFileSync } from 'node:fs';
import { LIGHT_CANVAS } from '../../../src/ui/charts/canvas';
import { contrastRatio } from '../../../src/ui/charts/heatmapChart';
import { DIGIT_SCALE, digitAtStep, drawHeatmap, heatmapTable, heatmapText, niceMax } from '../../../src/ui/panels/patch/modelDraw';

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

/** The picture by its definition, pixel by pixel of the output (the implementation works per digit pixel). */
function digitAtStepByDefinition(side: number, patch: number, ch: number, order: Int32Array, shown: Float32Array, step: number, next?: Float32Array, fadeFuture = false): Float32Array {
  const FUTURE = [0.55, 0.58, 0.63];
  const OUTLINE = [0.84, 0.2, 0.42];
  const rgbAt = (a: Float32Array, i: number) => (ch === 3 ? [a[3 * i], a[3 * i + 1], a[3 * i + 2]] : [a[i], a[i], a[i]]);
  const cols = side / patch;
  const inv = new Int32Array(order.length);
  order.forEach((cell, s) => (inv[cell] = s));
  const nextCell = step < order.length ? order[step] : -1;
  const w = side * DIGIT_SCALE;
  const lw = Math.max(1, DIGIT_SCALE / 4);
  const data = new Float32Array(w * w * 3);
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const py = Math.floor(y / DIGIT_SCALE);
      const px = Math.floor(x / DIGIT_SCALE);
      const cell = Math.floor(py / patch) * cols + Math.floor(px / patch);
      const s = inv[cell];
      let rgb: number[];
      if (s < step) rgb = rgbAt(shown, py * side + px);
      else if (s === step) rgb = next ? rgbAt(next, (py % patch) * patch + (px % patch)) : rgbAt(shown, py * side + px);
      else if (fadeFuture) rgb = FUTURE.map((f, k) => 0.75 * f + 0.25 * rgbAt(shown, py * side + px)[k]);
      else rgb = FUTURE;
      if (cell === nextCell) {
        const edge = patch * DIGIT_SCALE;
        const cx = x - (nextCell % cols) * edge;
        const cy = y - Math.floor(nextCell / cols) * edge;
        if (cx < lw || cy < lw || cx >= edge - lw || cy >= edge - lw) rgb = OUTLINE;
      }
      data.set(rgb, (y * w + x) * 3);
    }
  }
  return data;
}

describe('digitAtStep against its definition', () => {
  it('draws every pixel as the per-pixel definition does: grey digits and RGB crops, every step, with and without a prediction or faded future', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const [side, patch, ch] of [[8, 2, 1], [8, 4, 3], [12, 4, 1]] as const) {
      const cells = (side / patch) ** 2;
      const order = patchOrder('random', side / patch, side / patch, 3);
      const shown = Float32Array.from({ length: side * side * ch }, rand);
      const next = Float32Array.from({ length: patch * patch * ch }, rand);
      for (let step = 0; step <= cells; step++) {
        for (const [withNext, fade] of [[false, false], [true, false], [false, true]] as const) {
          const img = digitAtStep({ side, patch, order, channels: ch }, shown, step, { next: withNext ? next : undefined, fadeFuture: fade });
          const expected = digitAtStepByDefinition(side, patch, ch, order, shown, step, withNext ? next : undefined, fade);
          // Bit for bit (a typed-array toEqual of this size takes seconds).
          expect(img.data.length).toBe(expected.length);
          expect(Buffer.from(img.data.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
        }
      }
    }
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

/** A canvas whose context records the colour of every rectangle filled and every text written. */
function recordingCanvas() {
  const fills: { what: 'rect' | 'text'; style: unknown; x: number; y: number; w?: number; h?: number }[] = [];
  const strokes: unknown[] = [];
  const ctx = {
    fillStyle: '' as unknown, strokeStyle: '' as unknown, lineWidth: 1, font: '', textAlign: '', textBaseline: '',
    setTransform() {}, translate() {},
    fillRect(x: number, y: number, w: number, h: number) { fills.push({ what: 'rect', style: ctx.fillStyle, x, y, w, h }); },
    fillText(_t: string, x: number, y: number) { fills.push({ what: 'text', style: ctx.fillStyle, x, y }); },
    strokeRect() { strokes.push(ctx.strokeStyle); },
    createLinearGradient: () => ({ addColorStop() {} }),
  };
  const canvas = { width: 0, height: 0, getContext: () => ctx } as unknown as HTMLCanvasElement;
  return { canvas, fills, strokes };
}

describe('the heat map in either colour scheme', () => {
  const css = readFileSync('src/ui/styles.css', 'utf8');
  const chartColour = (name: string, from = 0) => css.slice(css.indexOf(':root {', from)).match(new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`, 'i'))![1];
  const darkAt = css.indexOf('@media (prefers-color-scheme: dark)');
  const DARK = { ground: chartColour('chart-bg', darkAt), text: chartColour('chart-text', darkAt), line: chartColour('chart-axis', darkAt) };
  const data = { rows: 2, cols: 2, cells: [0.1, 0.2, 0.3, 0.4], max: 0.5, current: 1, title: 'Held-out loss' };

  it('draws in the light charts’ colours by default (exports), the same as the page’s light scheme', () => {
    expect(LIGHT_CANVAS).toEqual({ ground: chartColour('chart-bg'), text: chartColour('chart-text'), line: chartColour('chart-axis') });
  });

  it('paints its ground, legend frame and labels in the colours given, the labels readable on the ground (≥ 4.5:1)', () => {
    for (const colours of [LIGHT_CANVAS, DARK]) {
      const { canvas, fills, strokes } = recordingCanvas();
      drawHeatmap(canvas, data, 1, true, colours);
      const ground = fills[0];
      expect(ground).toMatchObject({ what: 'rect', style: colours.ground, x: 0, y: 0 });
      const texts = fills.filter((f) => f.what === 'text');
      expect(texts.length).toBe(5); // the title, three ticks and the legend's name
      for (const t of texts) expect(t.style).toBe(colours.text);
      expect(contrastRatio(colours.text, colours.ground)).toBeGreaterThanOrEqual(4.5);
      expect(strokes).toContain(colours.line);
      // The cells keep the colour scale in either scheme: ordered by lightness, dark for low loss to light for high.
      const lightness = fills.filter((f) => f.what === 'rect').slice(1, 5).map((f) => contrastRatio(String(f.style), '#000000'));
      for (let i = 1; i < lightness.length; i++) expect(lightness[i]).toBeGreaterThan(lightness[i - 1]);
    }
    expect(DARK.ground).not.toBe(LIGHT_CANVAS.ground);
  });
});
