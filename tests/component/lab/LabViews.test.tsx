import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { labDefaults } from '../../../src/state/labSlice';
import { appStore } from '../../../src/state/store';
import { LabPanel } from '../../../src/ui/panels/lab/LabPanel';
import { subtaskStats } from '../../../src/core/equivalence/gramStats';
import { FakeDenoiserClient } from '../diffusion/fakeDenoiser';
import { captureDownloads, parseCsv } from './download';
import { gradients, toyGram, transfer } from './labData';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/compute/client')>()),
  getComputeClient: () => fake.current!.client,
}));

let worker: FakeDenoiserClient;

beforeEach(() => {
  worker = new FakeDenoiserClient();
  fake.current = worker;
  appStore.setState({ lab: { ...labDefaults }, labRuns: [], labWeightings: { noise: null, patch: null, depth: null } });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const section = (name: RegExp) => screen.getByRole('region', { name });
const cell = (figure: string, i: number, j: number) => document.querySelector(`[data-testid="figure-${figure}"] g.cell[data-i="${i}"][data-j="${j}"] text`)!.textContent;
const fixed = (v: number) => (v < 0 ? `−${Math.abs(v).toFixed(2)}` : v.toFixed(2));

describe('the Equivalence lab', { timeout: 30_000 }, () => {
  it('is a region with three views, each with labelled controls and Compute buttons, in the order of the page', () => {
    render(<LabPanel />);
    const lab = screen.getByRole('region', { name: 'Equivalence lab' });
    const views = within(lab).getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
    expect(views.slice(0, 3)).toEqual(['Noise levels', 'Patch steps', 'Depths']);
    for (const [name, compute] of [[/Noise levels/, 'Compute the noise-level matrices'], [/Patch steps/, 'Compute the patch-step matrices'], [/Depths/, 'Compute the depth matrices']] as const) {
      const view = section(name);
      expect(view.tagName).toBe('SECTION');
      const buttons = within(view).getAllByRole('button', { name: /^Compute/ });
      expect(buttons.map((b) => b.textContent)).toEqual([compute, expect.stringMatching(/^Compute transfer/)]);
      for (const label of ['Model', 'Seed', 'Batches', 'Steps', 'Learning rate']) expect(within(view).getByLabelText(label)).toBeTruthy();
      expect(within(view).getAllByLabelText('Batch')).toHaveLength(2);
    }
    // Noise: K 2…16, default 8; the models are the digit denoisers (MLP, U-Net, early MLP) and the patch denoiser.
    const noise = section(/Noise levels/);
    const k = within(noise).getByRole('slider', { name: /Noise levels K/ }) as HTMLInputElement;
    expect([k.min, k.max, k.value]).toEqual(['2', '16', '8']);
    expect(within(noise).getAllByRole('option').filter((o) => o.closest('select') === within(noise).getByLabelText('Model')).map((o) => o.textContent))
      .toEqual(['digit MLP denoiser', 'digit U-Net denoiser', 'digit MLP denoiser, early checkpoint (500 steps)', 'natural-patch denoiser']);
    // Depth: K is the model's depth, shown, not set.
    const depth = section(/Depths/);
    expect(within(depth).queryByRole('slider')).toBeNull();
    expect(within(depth).getByTestId('lab-depth-k').textContent).toBe('K = D = 8 (fixed by the model)');
    fireEvent.change(within(depth).getByLabelText('Model'), { target: { value: 'summed-d16' } });
    expect(within(depth).getByTestId('lab-depth-k').textContent).toBe('K = D = 16 (fixed by the model)');
    expect(worker.calls).toHaveLength(0); // nothing is computed until asked
  });

  it('keeps every control in the lab’s link fields', () => {
    render(<LabPanel />);
    const noise = section(/Noise levels/);
    fireEvent.change(within(noise).getByRole('slider', { name: /Noise levels K/ }), { target: { value: '5' } });
    fireEvent.change(within(noise).getByLabelText('Model'), { target: { value: 'patches' } });
    fireEvent.change(within(noise).getAllByLabelText('Batch')[0], { target: { value: '128' } });
    fireEvent.change(within(noise).getByLabelText('Batches'), { target: { value: '12' } });
    fireEvent.change(within(noise).getByLabelText('Seed'), { target: { value: '42' } });
    fireEvent.change(within(noise).getByLabelText('Steps'), { target: { value: '25' } });
    fireEvent.change(within(noise).getByLabelText('Learning rate'), { target: { value: '0.003' } });
    fireEvent.change(within(noise).getAllByLabelText('Batch')[1], { target: { value: '16' } });
    expect(appStore.getState().lab).toMatchObject({
      noiseK: 5, noiseModel: 'patches', noiseBatch: 128, noiseBatches: 12, noiseSeed: 42, noiseSteps: 25, noiseLr: 0.003, noiseTransferBatch: 16,
    });
    // A number out of range is clamped; one being typed is left alone until it is a number.
    fireEvent.change(within(noise).getByLabelText('Batches'), { target: { value: '999' } });
    expect(appStore.getState().lab.noiseBatches).toBe(64);
    fireEvent.change(within(noise).getByLabelText('Batches'), { target: { value: '' } });
    expect(appStore.getState().lab.noiseBatches).toBe(64);

    // Patch: row starts against mid-row only for the raster orders; picking another order goes back to equal groups.
    const patch = section(/Patch steps/);
    const grouping = within(patch).getByLabelText('Grouping') as HTMLSelectElement;
    fireEvent.change(grouping, { target: { value: 'row-starts' } });
    expect(appStore.getState().lab.patchGrouping).toBe('row-starts');
    expect(within(patch).queryByRole('slider')).toBeNull(); // K = 2
    fireEvent.change(within(patch).getByLabelText('Model'), { target: { value: 'hilbert' } });
    expect(appStore.getState().lab).toMatchObject({ patchModel: 'hilbert', patchGrouping: 'equal' });
    expect((within(patch).getByRole('option', { name: /row starts/ }) as HTMLOptionElement).disabled).toBe(true);
    fireEvent.change(within(patch).getByRole('slider', { name: /Step groups K/ }), { target: { value: '4' } });
    expect(appStore.getState().lab.patchK).toBe(4);
  });

  it('computes the noise-level matrices: a coarse matrix after the first batch sharpens batch by batch, then the result with every figure', async () => {
    worker.hold('denoiser-lab');
    act(() => appStore.getState().setLab({ noiseK: 4, noiseBatches: 3 }));
    render(<LabPanel />);
    const noise = section(/Noise levels/);
    fireEvent.click(within(noise).getByRole('button', { name: 'Compute the noise-level matrices' }));
    const call = worker.last('denoiser-lab');
    expect(call.payload).toMatchObject({ model: 'digits', baseUrl: expect.stringMatching(/\/$/), settings: { measure: 'gradients', k: 4, batch: labDefaults.noiseBatch, batches: 3, seed: 1 } });
    expect(within(noise).getByRole('button', { name: 'Compute the noise-level matrices' }).hasAttribute('disabled')).toBe(true);
    expect(within(noise).getByRole('button', { name: /^Compute transfer/ }).hasAttribute('disabled')).toBe(true); // one request per view at a time
    act(() => call.opts.onProgress?.(100, 1000, 'Downloading', { phase: 'data' } as never));
    expect(screen.getByTestId('lab-noise-progress-label').textContent).toBe('Loading the data…');
    act(() => call.opts.onProgress?.(6, 36, undefined, { phase: 'gradients' } as never));
    expect(screen.getByRole('progressbar', { name: 'Computing the noise-level matrices' }).getAttribute('value')).toBe(String(6 / 36));
    expect(screen.getByTestId('lab-noise-progress-label').textContent).toBe('Gradients: batch 1 of 3 (gradient 6 of 36)');

    // After the first batch: a coarse matrix, named as the worker will name the levels, and the batch count.
    const coarse = toyGram(4, 0.3, 1);
    act(() => call.opts.onProgress?.(12, 36, undefined, { phase: 'gradients', batches: 1, gram: coarse } as never));
    expect(screen.getByTestId('lab-noise-progress-label').textContent).toBe('Gradients: batch 2 of 3 (gradient 12 of 36)');
    expect(screen.getByTestId('lab-noise-measured').textContent).toMatch(/after batch 1 of 3/);
    expect(cell('lab-noise-cross', 0, 1)).toBe(fixed(subtaskStats(coarse, 4).cross[1]));
    expect(document.querySelector('[data-testid="figure-lab-noise-cross"] .y-axis')!.textContent).toContain('λ −7.50');
    const sharper = toyGram(4, 1, 2);
    act(() => call.opts.onProgress?.(24, 36, undefined, { phase: 'gradients', batches: 2, gram: sharper } as never));
    expect(screen.getByTestId('lab-noise-measured').textContent).toMatch(/after batch 2 of 3/);
    expect(cell('lab-noise-cross', 0, 1)).toBe(fixed(subtaskStats(sharper, 4).cross[1]));

    const result = gradients('noise', 4, { batches: 3 });
    await act(async () => call.resolve(result));
    await within(noise).findByTestId('lab-noise-results');
    expect(screen.queryByRole('progressbar')).toBeNull();
    const stats = subtaskStats(result.gram, 4);
    expect(cell('lab-noise-cross', 0, 0)).toBe(fixed(stats.self[0])); // the self-agreement on the diagonal
    expect(cell('lab-noise-cross', 1, 2)).toBe(fixed(stats.cross[6]));
    expect(screen.getByTestId('lab-noise-measured').textContent).toMatch(/digit denoiser \(eps\) \(shipped weights\), 1,000 weights: 3 batches of 64 training examples, seed 1; 36 gradients in 12\.3 s \(4\.1 s per batch\) on wasm\./);
    // Every figure is an image named for what it shows.
    const names = within(noise).getAllByRole('img').map((svg) => svg.getAttribute('aria-labelledby')!.split(' ').map((id) => document.getElementById(id)!.textContent).join(' '));
    expect(names.some((n) => /^Cross cosines between noise levels/.test(n))).toBe(true);
    expect(names.some((n) => /^Noise-corrected cosines between noise levels/.test(n))).toBe(true);
    expect(names.some((n) => /^Each noise level's alignment with the update/.test(n))).toBe(true);
    // The control beside the matrix, and the sentences with their numbers.
    expect(screen.getByTestId('lab-noise-control').textContent).toMatch(/^Control −?\d\.\d\d/);
    expect(screen.getByTestId('lab-noise-control').textContent).toMatch(/random parts of the whole objective/);
    expect(screen.getByTestId('lab-noise-spread').textContent).toMatch(/split-half spread, \d\.\d\d on average .* variance between batches, not the bias of a finite batch/);
    expect(screen.getByTestId('lab-noise-gain').textContent).toMatch(/Cosine 1 means the same direction, not the same gain: the gradient norms here range from \S+ \(λ .*\) to \S+ \(λ .*\), a factor of/);
    expect(screen.getByTestId('lab-noise-shared').textContent).toMatch(/one shared batch .* average −?\d\.\d\d off the diagonal, against −?\d\.\d\d from disjoint halves/);
    expect(screen.getByTestId('lab-noise-noise').textContent).toMatch(/mean \|cross cosine\| \d\.\d\d against the control's −?\d\.\d\d/i);
    // Corrected cells are blank where undefined (the diagonal always).
    expect(cell('lab-noise-corrected', 0, 0)).toBe('');
    // The alignment reads the model's training weighting by default; another weighting is a select away.
    expect((screen.getByLabelText('Weighting of the update') as HTMLSelectElement).value).toBe('training');
    expect(screen.getByTestId('lab-noise-alignment').textContent).toMatch(/^With the training loss: \d of 4 sub-tasks \(\d+ %\) have negative alignment/);
    fireEvent.change(screen.getByLabelText('Weighting of the update'), { target: { value: 'uniform' } });
    expect(screen.getByTestId('lab-noise-alignment').textContent).toMatch(/^With uniform:/);
    expect(appStore.getState().labWeightings.noise).toBe('uniform');
    expect(appStore.getState().labRuns).toHaveLength(1);
  });

  it('exports each figure’s numbers as CSV: a header with units, then a row per sub-task', async () => {
    const downloads = captureDownloads();
    worker.answer('denoiser-lab', (c) => ((c.payload.settings as { measure: string }).measure === 'gradients' ? gradients('noise', 4) : transfer('noise', 4)));
    act(() => appStore.getState().setLab({ noiseK: 4 }));
    render(<LabPanel />);
    const noise = section(/Noise levels/);
    fireEvent.click(within(noise).getByRole('button', { name: 'Compute the noise-level matrices' }));
    await within(noise).findByTestId('lab-noise-results');
    fireEvent.click(within(noise).getByRole('button', { name: 'Export “Cross cosines between noise levels” as CSV' }));
    expect(downloads[0].name).toBe('lab-noise-cross_k-4_batch-64_batches-8_seed-1.csv');
    const rows = parseCsv(await downloads[0].text());
    expect(rows[0]).toEqual(['sub-task', ...['λ −7.50', 'λ −2.50', 'λ 2.50', 'λ 7.50'].map((n) => `${n} (cross cosine; diagonal: self-agreement)`)]);
    expect(rows).toHaveLength(5);
    const stats = subtaskStats(gradients('noise', 4).gram, 4);
    expect(rows[2][0]).toBe('λ −2.50');
    expect(Number(rows[2][3])).toBeCloseTo(stats.cross[6], 12);

    fireEvent.click(within(noise).getByRole('button', { name: /Noise-corrected .* as CSV/ }));
    const corrected = parseCsv(await downloads[1].text());
    expect(corrected).toHaveLength(5);
    expect(corrected[1][1]).toBe(''); // undefined on the diagonal: an empty field

    fireEvent.click(within(noise).getByRole('button', { name: /alignment with the update” as CSV/ }));
    const alignment = parseCsv(await downloads[2].text());
    expect(alignment[0]).toEqual(['sub-task', 'weight (the training loss)', 'alignment with the update (cosine)', 'gradient norm (sum over batches)']);
    expect(alignment.map((r) => r[1])).toEqual(['weight (the training loss)', '1', '2', '3', '4']);

    fireEvent.click(within(noise).getByRole('button', { name: 'Compute transfer between noise levels' }));
    await within(noise).findByTestId('lab-noise-transfer-results');
    fireEvent.click(within(noise).getByRole('button', { name: 'Export “Loss transfer between noise levels” as CSV' }));
    const t = parseCsv(await downloads[3].text());
    expect(t[0][0]).toBe('trained on');
    expect(t[0][1]).toBe('λ −7.50 (relative change of held-out loss, fraction)');
    expect(t.map((r) => r[0]).slice(1)).toEqual(['λ −7.50', 'λ −2.50', 'λ 2.50', 'λ 7.50', 'all sub-tasks (reference)']);
    expect(Number(t[1][1])).toBeCloseTo(-0.1, 12);
    expect(Number(t[1][2])).toBeCloseTo(0.02, 12);
    expect(Number(t[5][4])).toBeCloseTo(-0.05, 12);
    expect(downloads.every((d) => d.type.startsWith('text/csv'))).toBe(true);
  });

  it('computes transfer: a (K + 1) × K heat map with the reference row last, centred at 0, and its numbers', async () => {
    worker.hold('rqae-lab');
    act(() => appStore.getState().setLab({ depthModel: 'summed-d4', depthSteps: 5 }));
    render(<LabPanel />);
    const depth = section(/Depths/);
    fireEvent.click(within(depth).getByRole('button', { name: 'Compute transfer between depths' }));
    const call = worker.last('rqae-lab');
    expect(call.payload).toMatchObject({ model: 'summed-d4', settings: { measure: 'transfer', k: 4, batch: 32, steps: 5, lr: 1e-5, seed: 1 } });
    act(() => call.opts.onProgress?.(7, 25, undefined, { phase: 'transfer' } as never));
    expect(screen.getByTestId('lab-depth-transfer-progress-label').textContent).toBe('Transfer: row 2 of 5, step 2 of 5');
    await act(async () => call.resolve(transfer('depth', 4, { steps: 5 })));
    await within(depth).findByTestId('lab-depth-transfer-results');
    const cells = document.querySelectorAll('[data-testid="figure-lab-depth-transfer"] g.cell');
    expect(cells).toHaveLength(20);
    expect(cell('lab-depth-transfer', 0, 0)).toBe('−10.0');
    expect(cell('lab-depth-transfer', 0, 1)).toBe('+2.0');
    expect(cell('lab-depth-transfer', 4, 3)).toBe('−5.0');
    expect(document.querySelector('[data-testid="figure-lab-depth-transfer"] .y-axis')!.textContent).toContain('all sub-tasks (reference)');
    expect(screen.getByTestId('lab-depth-transfer-readout').textContent).toMatch(/changed by \+0\.50 % on average .* its own by −10\.0 %; training on all changed them by −5\.0 %\. 3 of 12 off-diagonal cells are above 0/);
  });

  it('keeps the previous result on Cancel, and shows a failure in place', async () => {
    worker.answer('patch-model-lab', () => gradients('patch', 7));
    render(<LabPanel />);
    const patch = section(/Patch steps/);
    fireEvent.click(within(patch).getByRole('button', { name: 'Compute the patch-step matrices' }));
    await within(patch).findByTestId('lab-patch-results');
    const before = cell('lab-patch-cross', 0, 1);
    expect(worker.last('patch-model-lab').payload).toMatchObject({ ordering: { kind: 'raster' }, settings: { measure: 'gradients', k: 7, grouping: 'equal' } });

    worker.hold('patch-model-lab');
    fireEvent.click(within(patch).getByRole('button', { name: 'Compute the patch-step matrices' }));
    const call = worker.last('patch-model-lab');
    act(() => call.opts.onProgress?.(21, 168, undefined, { phase: 'gradients', batches: 1, gram: toyGram(7, 0.2, 9) } as never));
    expect(cell('lab-patch-cross', 0, 1)).not.toBe(before);
    fireEvent.click(within(patch).getByRole('button', { name: 'Cancel' }));
    expect(call.aborted).toBe(true);
    expect((await within(patch).findByTestId('lab-patch-note')).textContent).toBe('Cancelled. The matrix shown is the previous one.');
    expect(cell('lab-patch-cross', 0, 1)).toBe(before);
    expect(screen.getByTestId('lab-patch-measured').textContent).toMatch(/8 batches of 64/);
    expect(within(patch).queryByRole('progressbar')).toBeNull();
    expect(appStore.getState().labRuns).toHaveLength(1); // a cancelled run adds no row

    worker.handlers['patch-model-lab'] = (c) => queueMicrotask(() => c.reject(new Error('out of memory')));
    fireEvent.click(within(patch).getByRole('button', { name: 'Compute the patch-step matrices' }));
    expect((await within(patch).findByRole('alert')).textContent).toBe('The matrix could not be computed: out of memory. The matrix shown is the previous one.');
    expect(cell('lab-patch-cross', 0, 1)).toBe(before);
  });

  it('sends the crop models the working image, and row starts as two sub-tasks', async () => {
    worker.answer('patch-model-lab', () => gradients('patch', 2, { subtasks: ['row starts (8 steps)', 'mid-row (56 steps)'] }));
    const image = { width: 4, height: 4, data: new Uint8ClampedArray(48) };
    act(() => {
      appStore.setState((s) => ({ image: { ...s.image, working: image as never, workingHash: 'abc' } }));
      appStore.getState().setLab({ patchModel: 'crops-raster', patchGrouping: 'row-starts' });
    });
    render(<LabPanel />);
    fireEvent.click(within(section(/Patch steps/)).getByRole('button', { name: 'Compute the patch-step matrices' }));
    await screen.findByTestId('lab-patch-results');
    expect(worker.last('patch-model-lab').payload).toMatchObject({
      ordering: { kind: 'raster' }, data: 'crops', image: { width: 4, height: 4, hash: 'abc' }, settings: { k: 2, grouping: 'row-starts' },
    });
  });

  it('says what is special about depths, and which weighting is the model’s own', async () => {
    worker.answer('rqae-lab', () => gradients('depth', 8, { label: 'RQ auto-encoder full-d8 (digits)', source: 'shipped', stepsTrainedHere: 120 }));
    act(() => appStore.getState().setLab({ depthModel: 'full-d8' }));
    render(<LabPanel />);
    fireEvent.click(within(section(/Depths/)).getByRole('button', { name: 'Compute the depth matrices' }));
    await screen.findByTestId('lab-depth-results');
    expect(worker.last('rqae-lab').payload).toMatchObject({ model: 'full-d8', settings: { measure: 'gradients', k: 8 } });
    expect(screen.getByTestId('lab-depth-shared-terms').textContent).toMatch(/Depth losses share terms: each partial reconstruction contains the earlier codes, so their gradients agree partly by construction \(mean cross cosine −?\d\.\d\d; neighbouring depths −?\d\.\d\d\)\. The control \(−?\d\.\d\d\) and the transfer matrix are what separate that from equivalence\./);
    expect(screen.getByTestId('lab-depth-measured').textContent).toMatch(/RQ auto-encoder full-d8 \(digits\) \(shipped weights, fine-tuned here, 120 steps\)/);
    expect((screen.getByLabelText('Weighting of the update') as HTMLSelectElement).value).toBe('full');
  });

  it('calls a matrix mostly noise only when its mean |cross| is below the control’s mean', async () => {
    // Pure noise in the sub-tasks (no own direction), a shared direction in the control.
    worker.answer('denoiser-lab', () => gradients('noise', 4, { gram: toyGram(4, 0, 5) }));
    act(() => appStore.getState().setLab({ noiseK: 4 }));
    render(<LabPanel />);
    fireEvent.click(within(section(/Noise levels/)).getByRole('button', { name: 'Compute the noise-level matrices' }));
    await screen.findByTestId('lab-noise-results');
    const text = screen.getByTestId('lab-noise-noise').textContent!;
    const [abs, control] = /mean \|cross cosine\| (\d\.\d\d) against the control's (−?\d\.\d\d)/i.exec(text)!.slice(1).map((v) => Number(v.replace('−', '-')));
    expect(text.startsWith('Mostly noise')).toBe(abs < control);
  });

  it('says when the result shown was measured with other settings than the controls hold', async () => {
    worker.answer('denoiser-lab', () => gradients('noise', 8, { batch: labDefaults.noiseBatch, batches: labDefaults.noiseBatches }));
    render(<LabPanel />);
    fireEvent.click(within(section(/Noise levels/)).getByRole('button', { name: 'Compute the noise-level matrices' }));
    await screen.findByTestId('lab-noise-results');
    expect(screen.getByTestId('lab-noise-measured').textContent).not.toMatch(/changed/);
    act(() => appStore.getState().setLab({ noiseSeed: 9 }));
    await waitFor(() => expect(screen.getByTestId('lab-noise-measured').textContent).toMatch(/settings above have changed since/));
  });
});
