// Every chart offers its numbers as an HTML table for screen readers: the rows its CSV export writes, shown by a
// "Table" button beside the exports (closed, it takes no room), following the chart while it is open.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChartFigure } from '../../../src/ui/components/Figure';
import { lineChart, type Series } from '../../../src/ui/charts/lineChart';
import { barChart } from '../../../src/ui/charts/barChart';
import { heatmapChart } from '../../../src/ui/charts/heatmapChart';
import { captureDownloads, parseCsv } from '../lab/download';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const name = { panel: 'depth', what: 'psnr', params: { img: 'astronaut' } };
const series: Series[] = [
  { id: 'a', label: 'raster, seeded', points: [{ x: 0, y: 1.5 }, { x: 1, y: Infinity }, { x: 2, y: -0.125 }] },
  { id: 'b', label: 'hilbert', points: [{ x: 0, y: 10 }, { x: 3, y: 1e-9 }] },
];
const options = { title: 'PSNR', description: 'd', xLabel: 'bits per channel k', yLabel: 'PSNR (dB)', yDomain: [0, 60] as [number, number] };

async function csvRows(title: string): Promise<string[][]> {
  const downloads = captureDownloads();
  fireEvent.click(screen.getByRole('button', { name: `Export “${title}” as CSV` }));
  vi.restoreAllMocks();
  return parseCsv(await downloads[0].text());
}

/** The table's header and rows as a screen reader reads them, cell by cell. */
function tableRows(title: string): string[][] {
  const table = within(screen.getByRole('region', { name: `Data of “${title}” (scrolls)` })).getByRole('table');
  return within(table).getAllByRole('row').map((tr) => Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent ?? ''));
}

describe('a chart’s data table', () => {
  it('holds exactly the rows of the chart’s CSV export, and follows the chart while open', async () => {
    const chart = lineChart(series, options);
    const { rerender } = render(<ChartFigure id="psnr" title="PSNR per bit" name={name} chart={chart} />);
    const toggle = screen.getByRole('button', { name: 'Data table of “PSNR per bit”' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('table')).toBeNull(); // closed: nothing below the chart
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const rows = tableRows('PSNR per bit');
    expect(rows).toEqual(await csvRows('PSNR per bit'));
    expect(rows).toHaveLength(1 + 5);
    expect(rows[2]).toEqual(['raster, seeded', '1', '']); // ∞ is no value, as in the CSV

    // A live update of the drawn chart (as a slider moves it) shows in the open table.
    const moved = [{ ...series[1], points: [{ x: 0, y: 7 }] }];
    rerender(<ChartFigure id="psnr" title="PSNR per bit" name={name} chart={chart} live={{ series: moved }} />);
    await act(async () => {});
    expect(tableRows('PSNR per bit')).toEqual(await csvRows('PSNR per bit'));
    expect(tableRows('PSNR per bit').filter((r) => r[0] === 'hilbert')).toEqual([['hilbert', '0', '7']]);

    fireEvent.click(toggle);
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('is offered by every figure with a CSV export', () => {
    const charts = [
      lineChart(series, options),
      barChart([{ key: 'k', label: 'plane 7', value: 1 }], { title: 'b', description: 'd', xLabel: 'bit-plane', yLabel: 'entropy' }),
      heatmapChart({ values: [1], labels: ['one'] }, { title: 'c', description: 'd', xLabel: 'x', yLabel: 'y', legendLabel: 'v' }),
    ];
    render(<>{charts.map((c, i) => <ChartFigure key={i} id={`c${i}`} title={`Chart ${i}`} name={name} chart={c} />)}</>);
    const csvButtons = screen.getAllByRole('button', { name: /as CSV$/ });
    expect(csvButtons).toHaveLength(3);
    for (const b of csvButtons) {
      const title = /^Export “(.*)” as CSV$/.exec(b.getAttribute('aria-label')!)![1];
      const toggle = screen.getByRole('button', { name: `Data table of “${title}”` });
      expect(toggle.parentElement).toBe(b.parentElement);
      fireEvent.click(toggle);
      expect(tableRows(title).length).toBeGreaterThan(1);
    }
  });
});
