import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { crossSpread, meanOffDiagonal, subtaskStats } from '../../../src/core/equivalence/gramStats';
import { decodeView } from '../../../src/state/hash';
import { labDefaults, labViewSettings } from '../../../src/state/labSlice';
import { applyHash } from '../../../src/state/urlSync';
import { appStore } from '../../../src/state/store';
import { ComparisonTable } from '../../../src/ui/panels/lab/ComparisonTable';
import { captureDownloads, parseCsv } from './download';
import { gradients, toyGram, transfer } from './labData';

beforeEach(() => {
  appStore.setState({ lab: { ...labDefaults }, labRuns: [], labWeightings: { noise: null, patch: null, depth: null } });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const add = (...runs: Parameters<ReturnType<typeof appStore.getState>['addLabRun']>[0][]) => act(() => runs.forEach((r) => appStore.getState().addLabRun(r)));
const table = () => screen.getByRole('table');
const column = (i: number) => within(table()).getAllByRole('row').slice(1).map((r) => r.querySelectorAll('th, td')[i].textContent);

describe('the comparison of every setting computed in this page', () => {
  it('starts empty, then has one row per measurement with the cosine, conflict, alignment, transfer and control columns', () => {
    render(<ComparisonTable />);
    expect(screen.getByRole('heading', { name: 'Comparison of every setting computed in this page' })).toBeTruthy();
    expect(screen.getByTestId('lab-comparison-empty')).toBeTruthy();
    expect(screen.getByRole('button', { name: /as CSV/ }).hasAttribute('disabled')).toBe(true);

    const noise = gradients('noise', 4, { gram: toyGram(4, 1, 11), batches: 3 });
    add(
      { view: 'noise', model: 'digits', grouping: 'equal', result: noise },
      { view: 'depth', model: 'summed-d4', grouping: 'equal', result: gradients('depth', 4, { gram: toyGram(4, 2, 12), stepsTrainedHere: 50 }) },
      { view: 'depth', model: 'summed-d4', grouping: 'equal', result: transfer('depth', 4, { stepsTrainedHere: 50 }) },
      { view: 'patch', model: 'raster', grouping: 'row-starts', result: transfer('patch', 2) },
    );
    expect(within(table()).getAllByRole('row')).toHaveLength(4); // the header and three measurements: the depth transfer joins its gradients row
    expect(column(0)).toEqual(['Noise levels', 'Depths', 'Patch steps (row starts vs mid-row)']);
    expect(column(1)).toEqual([
      'digit denoiser (eps) (shipped weights)', 'RQ auto-encoder summed-d4 (digits) (shipped weights, fine-tuned here, 50 steps)', 'raster patch transformer (digits) (shipped weights)',
    ]);
    expect(column(2)).toEqual(['4', '4', '2']);
    expect(column(3)).toEqual(['64 × 3, seed 1', '64 × 8, seed 1', 'transfer: 10 steps of 32, seed 1']);
    const st = subtaskStats(noise.gram, 4);
    const fixed = (v: number) => (v < 0 ? `−${Math.abs(v).toFixed(2)}` : v.toFixed(2));
    expect(column(4)[0]).toBe(`${fixed(meanOffDiagonal(st.cross, 4))} ± ${fixed(crossSpread(noise.gram, 4).mean)}`);
    expect(column(4)[2]).toBe('—');
    expect(column(5)[0]).toMatch(/^\d+ %$/);
    expect(column(6)[0]).toMatch(/^\d+ % with the training loss$/);
    expect(column(6)[1]).toMatch(/^\d+ % with \(b\) summed over depths$/);
    // Transfer: training on i lowers i by 10 % and raises i + 1 by 2 %: the off-diagonal mean is 3 × 2 % / 12.
    expect(column(7)).toEqual(['—', '+0.50 %', '+1.0 %']);
    expect(column(8)[0]).toBe(fixed(meanOffDiagonal(st.control, 4)));
  });

  it('sorts by a column’s header button, ascending then descending, and says so in aria-sort', () => {
    add(
      { view: 'noise', model: 'digits', grouping: 'equal', result: gradients('noise', 8) },
      { view: 'depth', model: 'summed-d4', grouping: 'equal', result: gradients('depth', 4) },
      { view: 'patch', model: 'raster', grouping: 'equal', result: gradients('patch', 7) },
    );
    render(<ComparisonTable />);
    const k = within(table()).getByRole('columnheader', { name: /^K/ });
    expect(k.getAttribute('aria-sort')).toBe('none');
    fireEvent.click(within(k).getByRole('button'));
    expect(k.getAttribute('aria-sort')).toBe('ascending');
    expect(column(2)).toEqual(['4', '7', '8']);
    fireEvent.click(within(k).getByRole('button'));
    expect(k.getAttribute('aria-sort')).toBe('descending');
    expect(column(2)).toEqual(['8', '7', '4']);
    const name = within(table()).getByRole('columnheader', { name: /^Decomposition/ });
    fireEvent.click(within(name).getByRole('button'));
    expect(name.getAttribute('aria-sort')).toBe('ascending');
    expect(k.getAttribute('aria-sort')).toBe('none');
    expect(column(0)).toEqual(['Depths', 'Noise levels', 'Patch steps (equal groups)']);
  });

  it('follows the weighting chosen in a view', () => {
    add({ view: 'depth', model: 'summed-d4', grouping: 'equal', result: gradients('depth', 4) });
    render(<ComparisonTable />);
    expect(column(6)[0]).toMatch(/with \(b\) summed over depths$/);
    act(() => appStore.getState().setLabWeighting('depth', 'full'));
    expect(column(6)[0]).toMatch(/with \(a\) full depth only$/);
  });

  it('exports as CSV: a header with units, then a row per measurement in the order shown', async () => {
    const downloads = captureDownloads();
    add(
      { view: 'noise', model: 'digits', grouping: 'equal', result: gradients('noise', 8) },
      { view: 'depth', model: 'summed-d4', grouping: 'equal', result: gradients('depth', 4) },
    );
    render(<ComparisonTable />);
    fireEvent.click(within(within(table()).getByRole('columnheader', { name: /^K/ })).getByRole('button'));
    fireEvent.click(screen.getByRole('button', { name: 'Export “Comparison of every setting computed in this page” as CSV' }));
    expect(downloads[0].name).toBe('lab-comparison.csv');
    const rows = parseCsv(await downloads[0].text());
    expect(rows[0]).toEqual([
      'decomposition', 'grouping', 'model', 'K (sub-tasks)', 'batch (examples)', 'batches', 'seed', 'mean off-diagonal cross cosine (cosine)', 'split-half spread (cosine)',
      'conflicting pairs, cross cosine < 0 (share)', 'sub-tasks with negative alignment (share)', 'weighting of the update',
      'mean off-diagonal transfer (relative change of held-out loss, fraction)', 'control mean cosine (cosine)', 'link (restores the settings of this row)',
    ]);
    expect(rows.slice(1).map((r) => [r[0], r[3]])).toEqual([['Depths', '4'], ['Noise levels', '8']]);
    expect(rows[1][12]).toBe(''); // no transfer: an empty field
    expect(Number(rows[1][7])).toBeCloseTo(meanOffDiagonal(subtaskStats(gradients('depth', 4).gram, 4).cross, 4), 12);
    expect(decodeView(rows[1][14]).view.lab).toMatchObject({ depthModel: 'summed-d4', depthBatch: 64, depthBatches: 8 });
  });

  it('gives every row, patch steps included, a link that restores its view’s settings and nothing else of the lab', () => {
    add(
      { view: 'patch', model: 'hilbert', grouping: 'equal', result: gradients('patch', 5, { batch: 128, batches: 3, seed: 9 }) },
      { view: 'patch', model: 'hilbert', grouping: 'equal', result: transfer('patch', 5, { batch: 16, steps: 12, lr: 3e-5, seed: 9 }) },
      { view: 'patch', model: 'raster', grouping: 'row-starts', result: transfer('patch', 2, { batch: 64, steps: 4, lr: 1e-4, seed: 2 }) },
      { view: 'noise', model: 'digits-early', grouping: 'equal', result: gradients('noise', 6, { batch: 32, batches: 5, seed: 3 }) },
    );
    render(<ComparisonTable />);
    expect(column(0)).toEqual(['Patch steps (equal groups)', 'Patch steps (row starts vs mid-row)', 'Noise levels']);
    const links = screen.getAllByRole('link', { name: /^Settings of this row/ }).map((a) => a.getAttribute('href')!);
    expect(links).toHaveLength(3);
    const opened = links.map((href) => decodeView(href));
    expect(opened.every((o) => o.problems.length === 0)).toBe(true);
    expect(labViewSettings(opened[0].view.lab, 'patch')).toMatchObject({ model: 'hilbert', k: 5, grouping: 'equal', batch: 128, batches: 3, seed: 9, steps: 12, lr: 3e-5, transferBatch: 16 });
    expect(labViewSettings(opened[1].view.lab, 'patch')).toMatchObject({ model: 'raster', k: 2, grouping: 'row-starts', seed: 2, steps: 4, lr: 1e-4, transferBatch: 64 });
    expect(labViewSettings(opened[2].view.lab, 'noise')).toMatchObject({ model: 'digits-early', k: 6, batch: 32, batches: 5, seed: 3 });
    // Only the row's own view changes: the other views keep the page's settings.
    expect(labViewSettings(opened[2].view.lab, 'patch')).toEqual(labViewSettings(labDefaults, 'patch'));
    // Following a link puts its settings in the store.
    applyHash(appStore, links[0]);
    expect(labViewSettings(appStore.getState().lab, 'patch')).toMatchObject({ model: 'hilbert', k: 5, batch: 128, batches: 3, seed: 9 });
  });
});
