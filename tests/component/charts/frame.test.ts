// Properties shared by both charts: unique ids, standalone (export-safe) styling, helpers.
import { describe, expect, it } from 'vitest';
import { scaleLinear } from 'd3';
import { barChart } from '../../../src/ui/charts/barChart';
import { lineChart } from '../../../src/ui/charts/lineChart';
import { clipY, finiteExtent, formatValue } from '../../../src/ui/charts/frame';

const opts = { title: 'T', description: 'D', xLabel: 'x (u)', yLabel: 'y (u)' };
const make = () => [
  lineChart([{ id: 's', label: 'S', points: [{ x: 1, y: 1 }, { x: 2, y: Infinity }] }, { id: 't', label: 'T', points: [{ x: 1, y: 2 }] }], opts),
  barChart([{ key: 'a', label: 'A', value: 1, highlighted: true }], opts),
];
const ids = (svg: SVGSVGElement) => [...svg.querySelectorAll('[id]')].map((e) => e.id);

describe('chart frame', () => {
  it('gives two charts in one document distinct ids that resolve inside each chart', () => {
    const a = lineChart([], opts);
    const b = lineChart([], opts);
    document.body.append(a, b);
    try {
      const all = [...ids(a), ...ids(b)];
      expect(all.length).toBe(4);
      expect(new Set(all).size).toBe(all.length);
      for (const svg of [a, b]) {
        for (const id of svg.getAttribute('aria-labelledby')!.split(' ')) expect(svg.contains(document.getElementById(id))).toBe(true);
      }
    } finally {
      a.remove();
      b.remove();
    }
  });

  it('styles everything inline, so a serialized chart renders the same standalone', () => {
    for (const svg of make()) {
      const elements = [svg, ...svg.querySelectorAll('*')];
      // d3-axis defaults would leave `currentColor`, which resolves to black (or nothing) in an <img>.
      for (const el of elements) for (const a of el.attributes) expect(a.value).not.toContain('currentColor');
      // Text is dark grey on an opaque white background.
      for (const t of svg.querySelectorAll('text')) expect(t.getAttribute('fill')).toBe('#222');
      expect(svg.querySelector('rect.background')!.getAttribute('fill')).toBe('#fff');
      for (const g of svg.querySelectorAll('.axis')) expect(g.getAttribute('font-family')).toBe('system-ui, sans-serif');

      const xml = new XMLSerializer().serializeToString(svg);
      const parsed = new DOMParser().parseFromString(xml, 'image/svg+xml');
      expect(parsed.querySelector('parsererror')).toBeNull();
      expect(parsed.documentElement.namespaceURI).toBe('http://www.w3.org/2000/svg');
      expect(parsed.documentElement.getAttribute('viewBox')).toBe(svg.getAttribute('viewBox'));
    }
  });

  it('builds in the document it is given', () => {
    const other = document.implementation.createHTMLDocument('other');
    const svg = barChart([{ key: 'a', label: 'A', value: 1 }], opts, other);
    expect(svg.ownerDocument).toBe(other);
    expect(svg.querySelector('rect.bar')!.ownerDocument).toBe(other);
  });

  it('formats and clips non-finite values without NaN', () => {
    const f = (v: number) => v.toFixed(1);
    expect([formatValue(1, f), formatValue(Infinity, f), formatValue(-Infinity, f), formatValue(NaN, f)]).toEqual(['1.0', '∞', '−∞', 'n/a']);
    const y = scaleLinear().domain([0, 10]).range([100, 0]);
    expect([clipY(5, y), clipY(Infinity, y), clipY(-Infinity, y)]).toEqual([50, 0, 100]);
    expect(finiteExtent([3, Infinity, NaN, 1])).toEqual([1, 3]);
    expect(finiteExtent([2, 2])).toEqual([1.8, 2.2]);
    expect(finiteExtent([Infinity])).toEqual([0, 1]);
  });
});
