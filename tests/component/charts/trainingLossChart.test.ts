import { describe, expect, it, vi } from 'vitest';
import { CANVAS_TITLE_H, drawCanvasTitle, prepareCanvas } from '../../../src/ui/charts/canvas';
import { LOSS_POINTS, trainingLossChart } from '../../../src/ui/charts/trainingLossChart';

const opts = { title: 'Training loss', measure: 'Mean squared error of each training batch', yLabel: 'batch MSE', format: (v: number) => v.toFixed(3) };

describe('trainingLossChart', () => {
  it('draws every step of a short session and says the latest loss', () => {
    const svg = trainingLossChart([0.5, 0.25, 0.125], opts);
    expect(svg.querySelector(':scope > title')?.textContent).toBe('Training loss');
    expect(svg.querySelector(':scope > desc')?.textContent).toBe('Mean squared error of each training batch over 3 steps in this session; latest 0.125.');
    expect(svg.querySelectorAll('circle.point')).toHaveLength(3);
  });

  it('averages a long session in bins and says so', () => {
    const svg = trainingLossChart(Array.from({ length: 4 * LOSS_POINTS }, (_, i) => 1 / (i + 1)), opts);
    expect(svg.querySelector(':scope > desc')?.textContent).toMatch(/over 1200 steps in this session, averaged in bins; latest 0\.001\./);
    expect(svg.querySelectorAll('circle.point').length).toBeLessThanOrEqual(LOSS_POINTS);
  });
});

describe('canvas drawings', () => {
  function fakeCanvas() {
    const ctx = { setTransform: vi.fn(), fillRect: vi.fn(), fillText: vi.fn(), fillStyle: '', font: '', textAlign: '', textBaseline: '' };
    const canvas = { width: 0, height: 0, getContext: () => ctx } as unknown as HTMLCanvasElement;
    return { canvas, ctx };
  }

  it('sizes the canvas for its device scale and paints the drawing white', () => {
    const { canvas, ctx } = fakeCanvas();
    expect(prepareCanvas(canvas, 252, 300, 2)).toBe(ctx);
    expect([canvas.width, canvas.height]).toEqual([504, 600]);
    expect(ctx.setTransform).toHaveBeenCalledWith(2, 0, 0, 2, 0, 0);
    expect(ctx.fillRect).toHaveBeenCalledWith(0, 0, 252, 300);
    expect(ctx.fillStyle).toBe('#ffffff');
  });

  it('has no drawing where the canvas has no 2-D context', () => {
    const canvas = { width: 0, height: 0, getContext: () => null } as unknown as HTMLCanvasElement;
    expect(prepareCanvas(canvas, 10, 10, 1)).toBeNull();
  });

  it('centres the title in its band, within the drawing’s width', () => {
    const { ctx } = fakeCanvas();
    drawCanvasTitle(ctx as unknown as CanvasRenderingContext2D, 'Samples', 200);
    expect(ctx.fillText).toHaveBeenCalledWith('Samples', 100, CANVAS_TITLE_H / 2, 192);
    expect(ctx.textAlign).toBe('center');
  });
});
