import { describe, expect, it } from 'vitest';
import { barChart, type Bar, type BarChartOptions } from '../../../src/ui/charts/barChart';
import { expectAccessibleChart } from './accessible';

const bars: Bar[] = [
  { key: 'a', label: 'Stage A', value: 2 },
  { key: 'b', label: 'Stage B', value: 5, highlighted: true },
  { key: 'c', label: 'Stage C', value: 10 },
];
const base: BarChartOptions = { title: 'Error per stage', description: 'Stage C has the most error.', xLabel: 'stage', yLabel: 'MSE' };

const num = (el: Element, attr: string) => Number(el.getAttribute(attr));
const rects = (svg: SVGSVGElement) => [...svg.querySelectorAll('rect.bar')];
function attributesWith(svg: SVGSVGElement, needle: string) {
  const hits: string[] = [];
  for (const el of [svg, ...svg.querySelectorAll('*')]) {
    for (const a of el.attributes) if (a.value.includes(needle)) hits.push(`${el.tagName}[${a.name}=${a.value}]`);
  }
  return hits;
}

describe('barChart', () => {
  it('is an accessible image with <title> and <desc>', () => {
    expectAccessibleChart(barChart(bars, base), base);
  });

  it('draws one bar per datum with heights proportional to values', () => {
    const svg = barChart(bars, base);
    const r = rects(svg);
    expect(r).toHaveLength(3);
    const h = r.map((el) => num(el, 'height'));
    for (let i = 0; i < bars.length; i++) {
      for (let j = 0; j < bars.length; j++) expect(Math.abs(h[i] / h[j] - bars[i].value / bars[j].value)).toBeLessThan(1e-6);
    }
    // All bars share the zero baseline.
    const bottoms = r.map((el) => num(el, 'y') + num(el, 'height'));
    expect(new Set(bottoms.map((b) => b.toFixed(9))).size).toBe(1);
  });

  it('keeps proportional heights for negative values, below the baseline', () => {
    const svg = barChart([{ key: 'p', label: 'P', value: 3 }, { key: 'n', label: 'N', value: -1.5 }], base);
    const [p, n] = rects(svg);
    expect(num(p, 'height') / num(n, 'height')).toBeCloseTo(2, 6);
    expect(num(n, 'y')).toBeCloseTo(num(p, 'y') + num(p, 'height'), 9);
  });

  it('marks the highlighted bar with class and a stronger colour', () => {
    const svg = barChart(bars, base);
    const hi = svg.querySelectorAll('rect.bar.highlight');
    expect(hi).toHaveLength(1);
    expect(hi[0].getAttribute('data-key')).toBe('b');
    const plain = svg.querySelector('rect.bar:not(.highlight)')!;
    expect(hi[0].getAttribute('fill')).not.toBe(plain.getAttribute('fill'));
    expect(svg.querySelector('text.value-label')!.textContent).toBe('5');
  });

  it('labels categories with the bar labels and tooltips with formatted values', () => {
    const svg = barChart(bars, { ...base, formatValue: (v) => `${v.toFixed(1)} units` });
    expect([...svg.querySelectorAll('.x-axis .tick text')].map((t) => t.textContent)).toEqual(['Stage A', 'Stage B', 'Stage C']);
    expect(rects(svg).map((r) => r.querySelector('title')!.textContent)).toEqual(['Stage A: 2.0 units', 'Stage B: 5.0 units', 'Stage C: 10.0 units']);
  });

  it('respects an explicit y domain', () => {
    const svg = barChart(bars, { ...base, yDomain: [0, 20] });
    const ih = num(svg.querySelector('rect.overlay')!, 'height');
    expect(num(rects(svg)[2], 'height')).toBeCloseTo(ih / 2, 9);
  });

  it('clips Infinity to the top, labels it ∞, and never writes NaN', () => {
    const svg = barChart([...bars, { key: 'd', label: 'D', value: Infinity }, { key: 'e', label: 'E', value: NaN }], base);
    expect(attributesWith(svg, 'NaN')).toEqual([]);
    const [, , , inf, nan] = rects(svg);
    expect(num(inf, 'y')).toBe(0);
    expect(inf.querySelector('title')!.textContent).toBe('D: ∞');
    expect(num(nan, 'height')).toBe(0);
    expect(nan.querySelector('title')!.textContent).toBe('E: n/a');
    expect([...svg.querySelectorAll('text.value-label')].map((t) => t.textContent)).toContain('∞');
  });

  it('rotates long category labels and survives empty data', () => {
    const long = bars.map((b) => ({ ...b, label: `${b.label} with a very long description` }));
    const svg = barChart(long, base);
    expect(svg.querySelector('.x-axis .tick text')!.getAttribute('transform')).toBe('rotate(-35)');
    expect(attributesWith(barChart([], base), 'NaN')).toEqual([]);
  });

  it('shows the interactive tooltip for the bar nearest the pointer', () => {
    const svg = barChart(bars, base);
    const c = rects(svg)[2];
    svg.querySelector('rect.overlay')!.dispatchEvent(
      new MouseEvent('pointermove', { bubbles: true, clientX: num(c, 'x') + 1, clientY: 5 }),
    );
    const tooltip = svg.querySelector('g.tooltip')!;
    expect(tooltip.getAttribute('visibility')).toBe('visible');
    expect(tooltip.querySelector('text')!.textContent).toBe('Stage C: 10');
  });
  it('on a log y axis draws bar heights proportional to the decades above the domain floor, all visible', () => {
    const values = [1e-4, 1e-3, 1e-1];
    const svg = barChart(values.map((value, i) => ({ key: String(i), label: String(i), value })), { ...base, yLog: true });
    const r = rects(svg);
    const h = r.map((el) => num(el, 'height'));
    expect(h.every((v) => v > 0)).toBe(true);
    // Each decade is the same height: 1e-3 is one decade above 1e-4, 1e-1 three decades.
    expect((h[2] - h[0]) / (h[1] - h[0])).toBeCloseTo(3, 6);
    const bottoms = r.map((el) => num(el, 'y') + num(el, 'height'));
    expect(new Set(bottoms.map((b) => b.toFixed(9))).size).toBe(1);
    expect(attributesWith(barChart([{ key: 'z', label: 'Z', value: 0 }, ...values.map((value, i) => ({ key: String(i), label: String(i), value }))], { ...base, yLog: true }), 'NaN')).toEqual([]);
  });
});
