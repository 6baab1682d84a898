import { describe, expect, it } from 'vitest';
import { fixed2, heatmapChart, heatmapColor, NAN_FILL, type HeatmapOptions } from '../../../src/ui/charts/heatmapChart';
import { expectAccessibleChart } from './accessible';

// A 3 × 3 cosine matrix with a zero-gradient level (NaN row and column) and one conflicting pair.
const labels = ['−8.75', '0.00', '8.75'];
const values = [
  1, -0.4321, NaN,
  -0.4321, 1, NaN,
  NaN, NaN, NaN,
];
const base: HeatmapOptions = {
  title: 'Gradient cosines', description: 'Levels 1 and 2 conflict (cos −0.43); level 3 has no gradient.',
  xLabel: 'λ_j', yLabel: 'λ_i', legendLabel: 'cos',
};

const cells = (svg: SVGSVGElement) => [...svg.querySelectorAll('g.cell')];
const at = (svg: SVGSVGElement, i: number, j: number) => svg.querySelector(`g.cell[data-i="${i}"][data-j="${j}"]`)!;

describe('heatmapChart', () => {
  it('is an accessible image whose <title> and <desc> describe the matrix', () => {
    expectAccessibleChart(heatmapChart({ values, labels }, base), base);
  });

  it('fills each cell with the colour scale at its value and labels it with the value to 2 decimals', () => {
    const svg = heatmapChart({ values, labels }, base);
    expect(cells(svg)).toHaveLength(9);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = values[i * 3 + j];
        const c = at(svg, i, j);
        expect(c.querySelector('rect')!.getAttribute('fill')).toBe(heatmapColor(v));
        expect(c.querySelector('text.cell-label')!.textContent).toBe(fixed2(v));
      }
    }
    expect(at(svg, 0, 1).querySelector('text')!.textContent).toBe('−0.43');
    expect(at(svg, 0, 0).querySelector('text')!.textContent).toBe('1.00');
  });

  it('uses a fixed diverging scale: red for −1, blue for +1, near-white for 0, whatever the data', () => {
    const red = heatmapColor(-1);
    const blue = heatmapColor(1);
    const mid = heatmapColor(0);
    const ch = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
    expect(ch(red)[0]).toBeGreaterThan(ch(red)[2]);
    expect(ch(blue)[2]).toBeGreaterThan(ch(blue)[0]);
    expect(Math.min(...ch(mid))).toBeGreaterThan(230);
    // The same value gets the same colour in a matrix whose values span only a small range.
    const narrow = heatmapChart({ values: [1, 0.1, 0.1, 1], labels: ['a', 'b'] }, base);
    expect(at(narrow, 0, 1).querySelector('rect')!.getAttribute('fill')).toBe(heatmapColor(0.1));
    expect(heatmapColor(3)).toBe(blue); // clamped
  });

  it('draws NaN cells grey with "n/a", and never writes NaN into an attribute', () => {
    const svg = heatmapChart({ values, labels }, base);
    const nan = [...svg.querySelectorAll('g.cell.nan')];
    expect(nan).toHaveLength(5);
    for (const c of nan) {
      expect(c.querySelector('rect')!.getAttribute('fill')).toBe(NAN_FILL);
      expect(c.querySelector('text')!.textContent).toBe('n/a');
    }
    for (const el of [svg, ...svg.querySelectorAll('*')]) for (const a of el.attributes) expect(a.value).not.toContain('NaN');
  });

  it('ticks both axes with the labels, in order', () => {
    const svg = heatmapChart({ values, labels }, base);
    const ticks = (axis: string) => [...svg.querySelectorAll(`.${axis} .tick text`)].map((t) => t.textContent);
    expect(ticks('x-axis')).toEqual(labels);
    expect(ticks('y-axis')).toEqual(labels);
  });

  it('outlines flagged cells dashed, explains them under the chart and adds the detail to the tooltip', () => {
    const flags = [false, true, false, true, false, false, false, false, false];
    const svg = heatmapChart({ values, labels }, {
      ...base, flagged: { cells: flags, note: 'dashed: mostly sampling noise' }, cellDetail: (i, j) => (flags[i * 3 + j] ? 'halves differ by 0.9' : null),
    });
    const outlined = [...svg.querySelectorAll('g.cell')].filter((c) => c.querySelector('rect.flag')).map((c) => `${c.getAttribute('data-i')},${c.getAttribute('data-j')}`);
    expect(outlined).toEqual(['0,1', '1,0']);
    expect(at(svg, 0, 1).querySelector('rect.flag')!.getAttribute('stroke-dasharray')).toBe('4 3');
    expect(svg.querySelector('.flag-note text')!.textContent).toBe('dashed: mostly sampling noise');
    expect(at(svg, 0, 1).querySelector('title')!.textContent).toBe('λ_i −8.75, λ_j 0.00: cos −0.43 (halves differ by 0.9)');
    expect(at(svg, 0, 0).querySelector('title')!.textContent).toBe('λ_i −8.75, λ_j −8.75: cos 1.00');
    expect(heatmapChart({ values, labels }, base).querySelector('.flag-note')).toBeNull();
  });

  it('has a colour legend from −1 to 1 and a tooltip naming the cell', () => {
    const svg = heatmapChart({ values, labels }, base);
    const legend = [...svg.querySelectorAll('.legend-ticks text')].map((t) => t.textContent);
    expect(legend).toEqual(['−1', '−0.5', '0', '0.5', '1']);
    const swatches = [...svg.querySelectorAll('.legend rect.swatch')];
    expect(swatches[0].getAttribute('fill')).toBe(heatmapColor(-1 + 1 / swatches.length));
    expect(at(svg, 1, 0).querySelector('title')!.textContent).toBe('λ_i 0.00, λ_j −8.75: cos −0.43');
  });

  it('rejects a value count that is not the square of the label count', () => {
    expect(() => heatmapChart({ values: [1, 2, 3], labels: ['a', 'b'] }, base)).toThrow(RangeError);
  });

  it('draws a matrix that is not square with its own row labels, and blank NaN cells when asked', () => {
    const svg = heatmapChart(
      { values: [-0.1, 0.02, NaN, 0.05, -0.05, -0.04], labels: ['a', 'b'], rowLabels: ['a', 'b', 'all sub-tasks (reference)'] },
      { ...base, domain: [-0.1, 0.1], blankNaN: true, formatTick: (v) => `${Math.round(v * 100)}`, formatValue: (v) => v.toFixed(2) },
    );
    expect(cells(svg)).toHaveLength(6);
    expect([...svg.querySelectorAll('.y-axis .tick text')].map((t) => t.textContent)).toEqual(['a', 'b', 'all sub-tasks (reference)']);
    expect([...svg.querySelectorAll('.x-axis .tick text')].map((t) => t.textContent)).toEqual(['a', 'b']);
    const blank = at(svg, 1, 0);
    expect(blank.querySelector('rect')!.getAttribute('fill')).toBe('#fff');
    expect(blank.querySelector('text.cell-label')!.textContent).toBe('');
    expect(blank.querySelector('title')!.textContent).toMatch(/undefined$/);
    expect(at(svg, 0, 0).querySelector('rect')!.getAttribute('fill')).toBe(heatmapColor(-0.1, [-0.1, 0.1]));
    expect([...svg.querySelectorAll('.legend-ticks text')].map((t) => t.textContent)).toEqual(['-10', '-5', '0', '5', '10']);
    // Taller than wide by one row of cells.
    expect(Number(svg.getAttribute('height'))).toBeGreaterThan(Number(svg.getAttribute('width')) - 100);
    expect(() => heatmapChart({ values: [1, 2, 3], labels: ['a', 'b'], rowLabels: ['a', 'b'] }, base)).toThrow(RangeError);
  });
});
