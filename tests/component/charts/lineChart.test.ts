import { describe, expect, it } from 'vitest';
import { schemeTableau10 } from 'd3';
import { lineChart, type LineChartOptions, type Series } from '../../../src/ui/charts/lineChart';
import { expectAccessibleChart } from './accessible';

const ks = [1, 2, 3, 4, 5, 6, 7, 8];
const psnr: Series = { id: 'psnr', label: 'Bits', points: ks.map((k) => ({ x: k, y: 6.02 * k })) };
const other: Series = { id: 'ssim', label: 'Other', points: ks.map((k) => ({ x: k, y: 3 * k })) };
const base: LineChartOptions = {
  title: 'PSNR vs bits', description: 'PSNR grows about 6 dB per bit.',
  xLabel: 'bits per channel k', yLabel: 'PSNR (dB)', xDomain: [1, 8], xTicks: ks,
};

const num = (el: Element, attr: string) => Number(el.getAttribute(attr));
const points = (svg: SVGSVGElement) => [...svg.querySelectorAll('circle.point')];
/** Pixel → data, through the same domain the chart used (range [0, innerWidth] of the overlay). */
function invertX(svg: SVGSVGElement, cx: number, [d0, d1]: [number, number]) {
  const iw = num(svg.querySelector('rect.overlay')!, 'width');
  return d0 + (cx / iw) * (d1 - d0);
}
function attributesWith(svg: SVGSVGElement, needle: string) {
  const hits: string[] = [];
  for (const el of [svg, ...svg.querySelectorAll('*')]) {
    for (const a of el.attributes) if (a.value.includes(needle)) hits.push(`${el.tagName}[${a.name}=${a.value}]`);
  }
  return hits;
}

describe('lineChart', () => {
  it('is an accessible image with <title> and <desc> referenced by aria-labelledby', () => {
    const svg = lineChart([psnr], base);
    expectAccessibleChart(svg, base);
    expect(svg.getAttribute('width')).toBe('360');
    expect(svg.getAttribute('height')).toBe('240');
    expect(svg.getAttribute('viewBox')).toBe('0 0 360 240');
    expect(svg.getAttribute('font-family')).toBe('system-ui, sans-serif');
    expect(svg.querySelector('text.chart-title')!.textContent).toBe(base.title);
    expect(svg.querySelector('.x-label')!.textContent).toBe(base.xLabel);
    expect(svg.querySelector('.y-label')!.textContent).toBe(base.yLabel);
  });

  it('draws one marker per data point, per series', () => {
    const svg = lineChart([psnr, other], base);
    expect(points(svg)).toHaveLength(16);
    expect(svg.querySelectorAll('[data-series="psnr"] circle.point')).toHaveLength(ks.length);
    expect(svg.querySelectorAll('path.line')).toHaveLength(2);
  });

  it('puts the highlight at the requested x', () => {
    const max = lineChart([psnr], { ...base, highlight: { seriesId: 'psnr', x: 8 } });
    const h = max.querySelector('circle.highlight')!;
    expect(h.getAttribute('data-x')).toBe('8');
    expect(num(h, 'cx')).toBe(Math.max(...points(max).map((p) => num(p, 'cx'))));

    const mid = lineChart([psnr, other], { ...base, highlight: { seriesId: 'ssim', x: 3 + 1e-9 } });
    const h3 = mid.querySelector('circle.highlight')!;
    expect(h3.getAttribute('data-x')).toBe('3');
    expect(invertX(mid, num(h3, 'cx'), [1, 8])).toBeCloseTo(3, 9);
    const target = mid.querySelector('[data-series="ssim"] circle.point[data-x="3"]')!;
    expect(num(h3, 'cy')).toBe(num(target, 'cy'));
  });

  it('draws no highlight for an unknown series', () => {
    expect(lineChart([psnr], { ...base, highlight: { seriesId: 'nope', x: 3 } }).querySelector('.highlight')).toBeNull();
  });

  it('labels the x axis with the given ticks', () => {
    const svg = lineChart([psnr], base);
    const labels = [...svg.querySelectorAll('.x-axis .tick text')].map((t) => t.textContent);
    expect(labels).toEqual(ks.map(String));
  });

  it('gives every point a native tooltip with the formatted value', () => {
    const svg = lineChart([psnr], { ...base, formatY: (y) => `${y.toFixed(2)} dB` });
    const titles = points(svg).map((p) => p.querySelector('title')!.textContent);
    expect(titles[3]).toBe('Bits: 4 → 24.08 dB');
    expect(titles).toHaveLength(ks.length);
  });

  it('clips +Infinity to the top with an ∞ label and never writes NaN', () => {
    const lossless: Series = { ...psnr, points: [...psnr.points.slice(0, 7), { x: 8, y: Infinity }] };
    const svg = lineChart([lossless], { ...base, highlight: { seriesId: 'psnr', x: 8 } });
    expect(attributesWith(svg, 'NaN')).toEqual([]);
    expect(points(svg)).toHaveLength(8);
    const inf = svg.querySelector('circle.point[data-x="8"]')!;
    expect(num(inf, 'cy')).toBe(0);
    expect(inf.querySelector('title')!.textContent).toBe('Bits: 8 → ∞');
    expect(svg.querySelector('text.infinite-label')!.textContent).toBe('∞');
    // Only finite values set the domain: the last finite point sits below the clipped one.
    expect(num(svg.querySelector('circle.point[data-x="7"]')!, 'cy')).toBeGreaterThan(0);
    // The line breaks before the clipped marker instead of climbing to it.
    expect(svg.querySelector('path.line')!.getAttribute('d')!.split(/[ML]/).filter(Boolean)).toHaveLength(7);
  });

  it('skips NaN points and survives all-non-finite or empty data', () => {
    const gap: Series = { ...psnr, points: psnr.points.map((p, i) => (i === 2 ? { x: p.x, y: NaN } : p)) };
    const svg = lineChart([gap], base);
    expect(points(svg)).toHaveLength(7);
    expect(attributesWith(svg, 'NaN')).toEqual([]);
    const weird = lineChart([{ id: 'w', label: 'W', points: [{ x: 1, y: Infinity }, { x: 2, y: -Infinity }] }], { ...base, xDomain: undefined });
    expect(attributesWith(weird, 'NaN')).toEqual([]);
    expect(attributesWith(lineChart([], { ...base, xTicks: undefined, xDomain: undefined }), 'NaN')).toEqual([]);
  });

  it('shows a legend only for several series, with Tableau colours unless overridden', () => {
    expect(lineChart([psnr], base).querySelector('.legend')).toBeNull();
    const svg = lineChart([psnr, { ...other, color: '#123456' }], base);
    expect([...svg.querySelectorAll('.legend text')].map((t) => t.textContent)).toEqual(['Bits', 'Other']);
    const strokes = [...svg.querySelectorAll('path.line')].map((p) => p.getAttribute('stroke'));
    expect(strokes).toEqual([schemeTableau10[0], '#123456']);
  });

  it('shows an interactive tooltip near the nearest point on pointermove', () => {
    const svg = lineChart([psnr], { ...base, formatY: (y) => `${y.toFixed(1)} dB` });
    document.body.append(svg);
    try {
      const p5 = svg.querySelector('circle.point[data-x="5"]')!;
      const tooltip = svg.querySelector('g.tooltip')!;
      expect(tooltip.getAttribute('visibility')).toBe('hidden');
      // jsdom has no layout, so d3.pointer reports client coordinates as local ones.
      const move = new MouseEvent('pointermove', { bubbles: true, clientX: num(p5, 'cx') + 3, clientY: num(p5, 'cy') - 2 });
      svg.querySelector('rect.overlay')!.dispatchEvent(move);
      expect(tooltip.getAttribute('visibility')).toBe('visible');
      expect(tooltip.querySelector('text')!.textContent).toBe('Bits: 5 → 30.1 dB');
      svg.querySelector('g.plot')!.dispatchEvent(new MouseEvent('pointerleave'));
      expect(tooltip.getAttribute('visibility')).toBe('hidden');
    } finally {
      svg.remove();
    }
  });
});

describe('log axes labels', () => {
  const ks = Array.from({ length: 127 }, (_, i) => i + 1);
  const svg = lineChart([{ id: 's', label: 's', points: ks.map((k) => ({ x: k, y: 10 ** (6 - k / 10) })) }], {
    title: 'spectrum', description: 'd', xLabel: 'k', yLabel: 'power', xLog: true, yLog: true, yDomain: [1e-6, 1e6], width: 420, height: 260,
  });
  const labels = (axis: string) => [...svg.querySelectorAll(`g.${axis} .tick text`)].map((t) => t.textContent ?? '').filter((t) => t !== '');

  it('labels a wide log y axis with short powers of ten that fit the margin', () => {
    const ys = labels('y-axis');
    expect(ys).toContain('1e-6');
    expect(ys).toContain('1e6');
    expect(ys).toContain('1');
    for (const t of ys) expect(t.length).toBeLessThanOrEqual(5);
  });

  it('thins crowded log x labels instead of running 50 60 70 80 90 100 together', () => {
    const xs = labels('x-axis').map(Number);
    expect(xs.filter((v) => v > 40 && v < 100).length).toBeLessThanOrEqual(1);
    expect(xs).toContain(1);
    expect(xs).toContain(100);
  });
});
