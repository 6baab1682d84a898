// A chart built once and then updated in place (a dragged slider) must show exactly what a chart rebuilt with
// the new options shows: the same highlight position, markers, bar styles and labels.
import { describe, expect, it } from 'vitest';
import { barChart, updateBarChart, type Bar } from '../../../src/ui/charts/barChart';
import { lineChart, updateLineChart, type LineChartOptions, type Series } from '../../../src/ui/charts/lineChart';

const ts = Array.from({ length: 101 }, (_, i) => i / 100);
const curve: Series = { id: 'a', label: 'alpha', points: ts.map((t) => ({ x: t, y: Math.cos((t * Math.PI) / 2) })) };
const other: Series = { id: 'b', label: 'sigma', points: ts.map((t) => ({ x: t, y: t === 0.5 ? Infinity : Math.sin((t * Math.PI) / 2) })) };
const opts: LineChartOptions = { title: 'α and σ', description: 'd', xLabel: 't', yLabel: 'scale', xDomain: [0, 1], yDomain: [0, 1] };

const circle = (svg: SVGSVGElement) => svg.querySelector('circle.highlight')!;
const attrs = (el: Element | null, names: string[]) => names.map((n) => el?.getAttribute(n) ?? null);
const markerXs = (svg: SVGSVGElement) => [...svg.querySelectorAll('line.marker')].map((l) => l.getAttribute('x1'));

describe('updateLineChart', () => {
  it('puts the highlight where a chart built with that highlight puts it, tooltip included', () => {
    const live = lineChart([curve, other], { ...opts, highlight: { seriesId: 'b', x: 0.1 } });
    for (const x of [0.37, 0.5, 0.999, 0, 0.731]) {
      expect(updateLineChart(live, { highlightX: x })).toBe(true);
      const built = lineChart([curve, other], { ...opts, highlight: { seriesId: 'b', x } });
      expect(attrs(circle(live), ['cx', 'cy', 'data-x', 'data-series', 'stroke'])).toEqual(attrs(circle(built), ['cx', 'cy', 'data-x', 'data-series', 'stroke']));
      expect(circle(live).querySelector('title')!.textContent).toBe(circle(built).querySelector('title')!.textContent);
    }
    expect(live.querySelectorAll('circle.highlight')).toHaveLength(1);
  });

  it('moves vertical markers (including from none to some and back) and replaces the description', () => {
    const live = lineChart([curve], { ...opts, markers: [] });
    expect(markerXs(live)).toEqual([]);
    updateLineChart(live, { markers: [{ x: 0.25 }, { x: 0.75 }], description: 'now at 0.25' });
    expect(markerXs(live)).toEqual(markerXs(lineChart([curve], { ...opts, markers: [{ x: 0.25 }, { x: 0.75 }] })));
    expect(live.querySelector('desc')!.textContent).toBe('now at 0.25');
    updateLineChart(live, { markers: [{ x: NaN }] });
    expect(markerXs(live)).toEqual([]);
    // Markers stay under the lines: their group is the first layer of the marks.
    updateLineChart(live, { markers: [{ x: 0.5 }] });
    expect(live.querySelector('g.marks')!.firstElementChild!.getAttribute('class')).toBe('markers');
  });

  it('redraws series in place on the axes as built: the same marks as a chart built with the new values', () => {
    const fixed: LineChartOptions = { ...opts, yDomain: [0.001, 10], yLog: true, highlight: { seriesId: 'b', x: 0.3 } };
    const at = (k: number): Series[] => [
      { ...curve, points: curve.points.map((p) => ({ x: p.x, y: k * (p.y + 0.01) })) },
      { ...other, points: other.points.map((p) => ({ x: p.x, y: p.x > 0.9 ? NaN : k * p.y })) },
    ];
    const short: Series = { id: 's', label: 'short', points: [1, 2, 3].map((i) => ({ x: i / 4, y: i })) };
    const live = lineChart([...at(1), short], fixed);
    for (const k of [2, 0.5, 3]) {
      const next = [...at(k), { ...short, points: short.points.map((p) => ({ x: p.x, y: p.y * k })) }];
      expect(updateLineChart(live, { series: next })).toBe(true);
      const built = lineChart(next, fixed);
      expect(live.querySelector('g.marks')!.innerHTML).toBe(built.querySelector('g.marks')!.innerHTML);
    }
  });

  it('leaves charts it did not build alone', () => {
    const bars = barChart([{ key: 'a', label: 'a', value: 1 }], { title: 't', description: 'd', xLabel: 'x', yLabel: 'y' });
    expect(updateLineChart(bars, { highlightX: 1 })).toBe(false);
  });
});

describe('updateBarChart', () => {
  const bars = (hi: string): Bar[] => ['1', '2', '3', '4'].map((k, i) => ({ key: k, label: `k=${k}`, value: i === 2 ? Infinity : 0.2 * (i + 1), highlighted: k === hi }));
  const barOpts = { title: 'entropy', description: 'd', xLabel: 'k', yLabel: 'bits', yDomain: [0, 1] as [number, number] };
  const look = (svg: SVGSVGElement) => ({
    rects: [...svg.querySelectorAll('rect.bar')].map((r) => attrs(r, ['class', 'fill', 'stroke', 'x', 'y', 'height'])),
    labels: [...svg.querySelectorAll('text.value-label')].map((t) => [...attrs(t, ['x', 'y']), t.textContent]),
  });

  it('shows what a chart built with the new highlight shows', () => {
    const live = barChart(bars('1'), barOpts);
    for (const k of ['4', '3', '2', '1']) {
      expect(updateBarChart(live, { highlightedKeys: [k] })).toBe(true);
      expect(look(live)).toEqual(look(barChart(bars(k), barOpts)));
    }
    expect(updateBarChart(lineChart([curve], opts), { highlightedKeys: ['1'] })).toBe(false);
  });
});
