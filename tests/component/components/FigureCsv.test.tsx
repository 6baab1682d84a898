// Every chart with an SVG export has a CSV export beside it, named the same way, holding the numbers it draws.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChartFigure, Figure } from '../../../src/ui/components/Figure';
import { lineChart, updateLineChart, type Series } from '../../../src/ui/charts/lineChart';
import { barChart } from '../../../src/ui/charts/barChart';
import { heatmapChart } from '../../../src/ui/charts/heatmapChart';
import { exportables } from '../../../src/ui/export/registry';
import { combinedCsv, toCsv } from '../../../src/ui/export/csv';
import { captureDownloads, parseCsv } from '../lab/download';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const name = { panel: 'depth', what: 'psnr', params: { img: 'astronaut' } };
const series: Series[] = [
  { id: 'a', label: 'raster', points: [{ x: 0, y: 1.5 }, { x: 1, y: 2.25 }, { x: 2, y: -0.125 }] },
  { id: 'b', label: 'hilbert, seeded', points: [{ x: 0, y: 10 }, { x: 3, y: 1e-9 }] },
];

async function exportCsv(title: string): Promise<{ name: string; rows: string[][] }> {
  const downloads = captureDownloads();
  fireEvent.click(screen.getByRole('button', { name: `Export “${title}” as CSV` }));
  expect(downloads).toHaveLength(1);
  return { name: downloads[0].name, rows: parseCsv(await downloads[0].text()) };
}

describe('CSV beside every SVG export', () => {
  it('a line chart exports one row per point, under a header with the axes’ units', async () => {
    const chart = lineChart(series, { title: 'PSNR', description: 'd', xLabel: 'bits per channel k', yLabel: 'PSNR (dB)' });
    render(<ChartFigure id="f1" title="PSNR per bit" name={name} chart={chart} />);
    // The CSV button sits beside the SVG one, its name built the same way.
    const svg = screen.getByRole('button', { name: 'Export “PSNR per bit” as SVG' });
    const csv = screen.getByRole('button', { name: 'Export “PSNR per bit” as CSV' });
    expect(svg.parentElement).toBe(csv.parentElement);
    const { name: file, rows } = await exportCsv('PSNR per bit');
    expect(file).toBe('depth-psnr_img-astronaut.csv');
    expect(rows[0]).toEqual(['series', 'bits per channel k', 'PSNR (dB)']);
    const expected = series.flatMap((s) => s.points.map((p) => [s.label, p.x, p.y]));
    expect(rows).toHaveLength(1 + expected.length);
    rows.slice(1).forEach((r, i) => {
      expect(r[0]).toBe(expected[i][0]);
      expect(Number(r[1])).toBe(expected[i][1]);
      expect(Number(r[2])).toBe(expected[i][2]);
    });
  });

  it('a line chart updated in place exports its current values', async () => {
    const chart = lineChart(series, { title: 'L', description: 'd', xLabel: 'step s', yLabel: 'MSE', yDomain: [0, 20] });
    render(<ChartFigure id="f2" title="Live" name={name} chart={chart} />);
    act(() => void updateLineChart(chart, { series: [{ ...series[0], points: [{ x: 0, y: 7 }] }] }));
    const { rows } = await exportCsv('Live');
    expect(rows.slice(1).filter((r) => r[0] === 'raster')).toEqual([['raster', '0', '7']]);
  });

  it('a bar chart exports one row per bar, a heat map one row per cell', async () => {
    const bars = barChart([{ key: 'p7', label: 'plane 7', value: 0.99 }, { key: 'p0', label: 'plane 0', value: 0.5 }],
      { title: 'B', description: 'd', xLabel: 'bit-plane', yLabel: 'entropy (bits per value)' });
    const heat = heatmapChart({ values: [1, -0.25, 0.5, 1], labels: ['λ −5', 'λ 5'] },
      { title: 'H', description: 'd', xLabel: 'level j', yLabel: 'level i', legendLabel: 'cosine' });
    render(<><ChartFigure id="b" title="Bars" name={name} chart={bars} /><ChartFigure id="h" title="Heat" name={name} chart={heat} /></>);
    expect((await exportCsv('Bars')).rows).toEqual([['bit-plane', 'entropy (bits per value)'], ['plane 7', '0.99'], ['plane 0', '0.5']]);
    vi.restoreAllMocks();
    expect((await exportCsv('Heat')).rows).toEqual([
      ['level i', 'level j', 'cosine'], ['λ −5', 'λ −5', '1'], ['λ −5', 'λ 5', '-0.25'], ['λ 5', 'λ −5', '0.5'], ['λ 5', 'λ 5', '1'],
    ]);
  });

  it('a figure’s own table wins over the chart’s; an image figure has neither SVG nor CSV', () => {
    const chart = lineChart(series, { title: 'T', description: 'd', xLabel: 'x', yLabel: 'y' });
    render(<>
      <ChartFigure id="own" title="Own" name={name} chart={chart} csv={() => ({ header: ['k'], rows: [[1]] })} />
      <Figure id="img" title="Picture" name={name} toCanvas={async () => null}><span /></Figure>
    </>);
    expect(screen.queryByRole('button', { name: 'Export “Picture” as SVG' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Export “Picture” as CSV' })).toBeNull();
    vi.stubGlobal('CSS', { escape: (s: string) => s }); // jsdom has no CSS.escape
    const own = exportables().find((e) => e.id === 'own')!;
    expect(own.csv()).toEqual({ header: ['k'], rows: [[1]] });
  });

  it('every SVG export button on a page of charts has its CSV sibling', () => {
    const charts = [
      lineChart(series, { title: 'a', description: 'd', xLabel: 'x', yLabel: 'y' }),
      barChart([{ key: 'k', label: 'k', value: 1 }], { title: 'b', description: 'd', xLabel: 'x', yLabel: 'y' }),
      heatmapChart({ values: [1], labels: ['one'] }, { title: 'c', description: 'd', xLabel: 'x', yLabel: 'y', legendLabel: 'v' }),
    ];
    render(<>{charts.map((c, i) => <ChartFigure key={i} id={`c${i}`} title={`Chart ${i}`} name={name} chart={c} />)}</>);
    const svgButtons = screen.getAllByRole('button', { name: /as SVG$/ });
    expect(svgButtons).toHaveLength(3);
    for (const b of svgButtons) {
      const csvName = b.getAttribute('aria-label')!.replace(/as SVG$/, 'as CSV');
      expect(screen.getByRole('button', { name: csvName }).parentElement).toBe(b.parentElement);
    }
  });

  it('“Export all” gathers every figure’s table in one long CSV: panel, figure, record, column, value', () => {
    const text = toCsv(combinedCsv([
      { panel: 'depth', title: 'PSNR', table: { header: ['bits', 'PSNR (dB)'], rows: [[1, 10.5], [2, 16]] } },
      { panel: 'patch', title: 'Breaks', table: { header: ['ordering'], rows: [['raster']] } },
    ]));
    expect(parseCsv(text)).toEqual([
      ['panel', 'figure', 'record', 'column (unit)', 'value'],
      ['depth', 'PSNR', '1', 'bits', '1'], ['depth', 'PSNR', '1', 'PSNR (dB)', '10.5'],
      ['depth', 'PSNR', '2', 'bits', '2'], ['depth', 'PSNR', '2', 'PSNR (dB)', '16'],
      ['patch', 'Breaks', '1', 'ordering', 'raster'],
    ]);
  });
});
