// Charts kept with their data: going back to data shown before mounts the chart built then, and what follows a
// slider is put right on it as on a chart just built.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keptChart } from '../../../src/ui/charts/keptChart';
import { lineChart, type Series } from '../../../src/ui/charts/lineChart';
import { ChartFigure } from '../../../src/ui/components/Figure';

afterEach(cleanup);

const curve = (scale: number): Series[] => [{ id: 'psnr', label: 'PSNR', points: [1, 2, 3, 4, 5, 6, 7, 8].map((x) => ({ x, y: scale * x })) }];
const build = (scale: number) => lineChart(curve(scale), {
  title: 'PSNR', description: 'd', xLabel: 'bits per channel k', yLabel: 'PSNR (dB)', xDomain: [1, 8], highlight: { seriesId: 'psnr', x: 1 },
});

describe('keptChart', () => {
  it('builds once per data object and key, and anew for other data, even of equal values', () => {
    const answer = { scale: 6 };
    const make = vi.fn(() => build(6));
    const first = keptChart(answer, 'psnr', make);
    expect(keptChart(answer, 'psnr', make)).toBe(first);
    expect(make).toHaveBeenCalledTimes(1);
    expect(keptChart(answer, 'other view', make)).not.toBe(first);
    expect(keptChart({ scale: 6 }, 'psnr', make)).not.toBe(first);
    expect(make).toHaveBeenCalledTimes(3);
  });

  it('keeps the last four views of one data object: an older one is built again', () => {
    const answer = {};
    const make = vi.fn(() => build(1));
    const first = keptChart(answer, 'v0', make);
    for (const key of ['v1', 'v2', 'v3']) keptChart(answer, key, make);
    expect(keptChart(answer, 'v0', make)).toBe(first); // four views: all kept, v0 now the most recent
    keptChart(answer, 'v4', make); // drops v1, the least recently used
    const calls = make.mock.calls.length;
    keptChart(answer, 'v0', make);
    expect(make).toHaveBeenCalledTimes(calls);
    keptChart(answer, 'v1', make);
    expect(make).toHaveBeenCalledTimes(calls + 1);
  });

  it('mounted again after another chart, shows the highlight of the moment, not the one it was left with', () => {
    const small = { scale: 6 };
    const large = { scale: 12 };
    const chartOf = (a: { scale: number }) => keptChart(a, 'psnr', () => build(a.scale));
    const name = { panel: 'depth', what: 'psnr', params: {} };
    const view = render(<ChartFigure id="f" title="PSNR" name={name} chart={chartOf(small)} live={{ highlightX: 3 }} />);
    const highlight = () => view.container.querySelector('svg circle.highlight')!;
    expect(highlight().getAttribute('data-x')).toBe('3');
    view.rerender(<ChartFigure id="f" title="PSNR" name={name} chart={chartOf(large)} live={{ highlightX: 3 }} />);
    view.rerender(<ChartFigure id="f" title="PSNR" name={name} chart={chartOf(large)} live={{ highlightX: 7 }} />);
    view.rerender(<ChartFigure id="f" title="PSNR" name={name} chart={chartOf(small)} live={{ highlightX: 7 }} />);
    expect(view.container.querySelector('svg')).toBe(chartOf(small)); // the chart built first, mounted again
    expect(view.container.querySelectorAll('svg')).toHaveLength(1);
    expect(highlight().getAttribute('data-x')).toBe('7');
  });
});
