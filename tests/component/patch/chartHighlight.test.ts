import { describe, expect, it } from 'vitest';
import { lineChart, type LineChartOptions, type Series } from '../../../src/ui/charts/lineChart';
import { moveHighlight, pathVertices } from '../../../src/ui/panels/patch/chartHighlight';
import { mulberry32 } from '../../../src/core/random';

const rand = mulberry32(7);
// A per-step curve with a NaN at step 0 (no context yet) and a zero (left out on a log axis).
const values = Array.from({ length: 300 }, (_, i) => (i === 0 ? NaN : i === 5 ? 0 : 0.01 + rand() * 0.05));
const series: Series = { id: 'raster', label: 'Raster', points: values.map((y, x) => ({ x, y })) };
const base: LineChartOptions = { title: 'Copy MSE per step', description: 'd', xLabel: 'step s', yLabel: 'MSE', xDomain: [0, 299], width: 420, height: 240 };

function highlight(svg: SVGSVGElement) {
  const c = svg.querySelector('circle.highlight')!;
  return { x: c.getAttribute('data-x'), cx: Number(c.getAttribute('cx')), cy: Number(c.getAttribute('cy')), title: c.querySelector('title')!.textContent };
}

describe('moveHighlight', () => {
  for (const yLog of [false, true]) {
    it(`puts the marker where lineChart would have drawn it for that step (${yLog ? 'log' : 'linear'} y axis)`, () => {
      const svg = lineChart([series], { ...base, yLog, highlight: { seriesId: 'raster', x: 0 } });
      for (const step of [1, 5, 17, 150, 299, 400]) {
        expect(moveHighlight(svg, { series, yLog }, step)).toBe(true);
        const fresh = highlight(lineChart([series], { ...base, yLog, highlight: { seriesId: 'raster', x: step } }));
        const moved = highlight(svg);
        expect(moved.x).toBe(fresh.x);
        expect(moved.title).toBe(fresh.title);
        // The path is drawn with rounded coordinates: within a thousandth of a pixel.
        expect(Math.abs(moved.cx - fresh.cx)).toBeLessThan(1e-3);
        expect(Math.abs(moved.cy - fresh.cy)).toBeLessThan(1e-3);
      }
    });
  }

  it('leaves the chart alone and says so when the chart has no marker or the line does not match the points', () => {
    const plain = lineChart([series], base);
    expect(moveHighlight(plain, { series }, 3)).toBe(false);
    const svg = lineChart([series], { ...base, highlight: { seriesId: 'raster', x: 2 } });
    const before = highlight(svg);
    const other: Series = { ...series, points: series.points.slice(0, 100) };
    expect(moveHighlight(svg, { series: other }, 50)).toBe(false);
    expect(highlight(svg)).toEqual(before);
  });
});

describe('pathVertices', () => {
  it('reads every vertex of a line with gaps, in order', () => {
    expect(pathVertices('M1,2L3.5,-4M5e-1,6L7,8Z')).toEqual([[1, 2], [3.5, -4], [0.5, 6], [7, 8]]);
  });
});
