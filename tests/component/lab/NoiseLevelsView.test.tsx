import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { labDefaults } from '../../../src/state/labSlice';
import { appStore } from '../../../src/state/store';
import type { DenoiserNoiseCosines } from '../../../src/protocol';
import { LabPanel } from '../../../src/ui/panels/lab/LabPanel';
import { FakeDenoiserClient } from '../diffusion/fakeDenoiser';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/compute/client')>()),
  getComputeClient: () => fake.current!.client,
}));

let worker: FakeDenoiserClient;

beforeEach(() => {
  worker = new FakeDenoiserClient();
  fake.current = worker;
  appStore.setState({ lab: { ...labDefaults } });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** K = 4 levels: the two cleanest agree, the two noisiest conflict (and the halves disagree on them), norms over three decades. */
function matrix(over: Partial<DenoiserNoiseCosines> = {}): DenoiserNoiseCosines {
  return {
    model: 'digits', version: 1, parameterization: 'eps', paramCount: 1150000, k: 4, batch: 32, seed: 1,
    lambda: [-7.5, -2.5, 2.5, 7.5],
    cosines: Float64Array.from([
      1, -0.62, 0.05, 0.01,
      -0.62, 1, 0.2, -0.03,
      0.05, 0.2, 1, 0.68,
      0.01, -0.03, 0.68, 1,
    ]),
    norms: Float64Array.from([0.0005, 0.02, 0.4, 0.1]),
    spread: Float64Array.from([
      0, 1.1, 0.05, 0.02,
      1.1, 0, 0.1, 0.03,
      0.05, 0.1, 0, 0.04,
      0.02, 0.03, 0.04, 0,
    ]),
    milliseconds: 1234, backend: 'wasm', ...over,
  };
}

const cells = () => document.querySelectorAll('[data-testid="figure-lab-noise-cosines"] g.cell');
const cellText = (i: number, j: number) => document.querySelector(`[data-testid="figure-lab-noise-cosines"] g.cell[data-i="${i}"][data-j="${j}"] text`)!.textContent;

describe('the Equivalence lab: noise levels of the digit denoiser', () => {
  it('shows the section and its lead, and its labelled controls change the lab view in the store', () => {
    render(<LabPanel />);
    expect(screen.getByRole('heading', { level: 2, name: 'Equivalence lab' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 3, name: 'Noise levels (digit denoiser)' })).toBeTruthy();
    expect(screen.getByTestId('lab-noise').textContent).toMatch(/Min-SNR/);
    // A cosine of 1 is the same direction, not the same gain: the gain scales with the other gradient's norm.
    expect(screen.getByTestId('lab-noise').textContent).toMatch(/1 = the two gradients point the same way .* scales with the other gradient's norm/s);
    expect(screen.getByTestId('lab-noise').textContent).not.toMatch(/as much/);
    const k = screen.getByRole('slider', { name: /Noise levels K/ }) as HTMLInputElement;
    expect(k.type).toBe('range');
    expect([k.min, k.max, k.value]).toEqual(['4', '12', '8']);
    fireEvent.change(k, { target: { value: '5' } });
    expect(appStore.getState().lab.k).toBe(5);
    fireEvent.change(screen.getByLabelText('Held-out digits'), { target: { value: '64' } });
    expect(appStore.getState().lab.batch).toBe(64);
    fireEvent.change(screen.getByLabelText('Noise seed'), { target: { value: '42' } });
    expect(appStore.getState().lab).toEqual({ k: 5, batch: 64, seed: 42 });
    expect(worker.calls).toHaveLength(0); // nothing is computed until asked
  });

  it('computes on request with a progress bar counting the levels, then shows the matrix, the norms and the readout', async () => {
    worker.hold('denoiser-noise-cosines');
    act(() => appStore.getState().setLab({ k: 4 }));
    render(<LabPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Compute matrix' }));
    const call = worker.last('denoiser-noise-cosines');
    expect(call.payload).toMatchObject({ model: 'digits', k: 4, batch: 32, seed: 1, baseUrl: expect.stringMatching(/\/$/) });
    expect(screen.getByRole('button', { name: 'Computing…' }).hasAttribute('disabled')).toBe(true);
    act(() => call.opts.onProgress?.(100, 1000, 'Downloading', { phase: 'data' } as never));
    expect(screen.getByTestId('lab-progress-label').textContent).toBe('Loading the held-out digits…');
    act(() => call.opts.onProgress?.(1, 4, 'Gradient of noise level 1 of 4', { phase: 'gradients' } as never));
    expect(screen.getByRole('progressbar', { name: 'Computing the matrix' }).getAttribute('value')).toBe('0.25');
    expect(screen.getByTestId('lab-progress-label').textContent).toBe('Gradient of noise level 1 of 4');
    act(() => call.resolve(matrix()));
    await screen.findByTestId('lab-results');
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(cells()).toHaveLength(16);
    expect(cellText(0, 0)).toBe('1.00');
    expect(cellText(0, 1)).toBe('−0.62');
    // The cell the two halves disagree on is outlined, and the readouts carry the numbers.
    expect(document.querySelectorAll('[data-testid="figure-lab-noise-cosines"] rect.flag')).toHaveLength(2);
    const readout = screen.getByTestId('lab-readout').textContent!;
    expect(readout).toMatch(/Neighbouring levels: mean cos 0\.09; levels 2 or more bins apart: mean cos 0\.01\./);
    expect(readout).toMatch(/2 of 6 pairs \(33 %\) conflict/);
    expect(readout).toMatch(/most conflicting pair is λ −7\.50 and −2\.50 \(cos −0\.62\)/);
    expect(screen.getByTestId('lab-noise-readout').textContent).toMatch(/put 1 cosine more than 0\.25 apart.*λ −7\.50 and −2\.50 \(1\.10 apart\)/);
    expect(screen.getByTestId('lab-measured').textContent).toMatch(/first 32 held-out digits, noise seed 1: 4 gradients in 1\.2 s on wasm/);
    // Norms spanning three decades: a log axis.
    const norms = screen.getByTestId('figure-lab-noise-norms');
    expect(norms.querySelectorAll('rect.bar')).toHaveLength(4);
    expect(norms.querySelector('.y-label')!.textContent).toBe('‖g‖ (log scale)');
    expect(within(screen.getByTestId('figure-lab-noise-cosines')).getByRole('button', { name: /as PNG/ })).toBeTruthy();
  });

  it('stops on Cancel: the request is aborted, the progress bar goes and the button is back', async () => {
    worker.hold('denoiser-noise-cosines');
    render(<LabPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Compute matrix' }));
    const call = worker.last('denoiser-noise-cosines');
    act(() => call.opts.onProgress?.(3, 8, undefined, { phase: 'gradients' } as never));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(call.aborted).toBe(true);
    expect((await screen.findByTestId('lab-note')).textContent).toBe('Cancelled.');
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Compute matrix' }).hasAttribute('disabled')).toBe(false);
    expect(screen.queryByTestId('lab-results')).toBeNull();
  });

  it('shows a worker error as an alert and keeps the previous matrix; a later success clears the alert', async () => {
    worker.answer('denoiser-noise-cosines', () => matrix());
    render(<LabPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Compute matrix' }));
    await screen.findByTestId('lab-results');
    worker.handlers['denoiser-noise-cosines'] = (call) => queueMicrotask(() => call.reject(new Error('out of memory')));
    fireEvent.click(screen.getByRole('button', { name: 'Compute matrix' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/could not be computed: out of memory\. The matrix shown is the previous one\./);
    expect(cells()).toHaveLength(16);
    expect(cellText(0, 1)).toBe('−0.62');
    worker.answer('denoiser-noise-cosines', () => matrix({ cosines: Float64Array.from(matrix().cosines, (c) => (c === 1 ? 1 : c / 2)) }));
    fireEvent.click(screen.getByRole('button', { name: 'Compute matrix' }));
    await waitFor(() => expect(cellText(0, 1)).toBe('−0.31'));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says when the matrix shown was measured with other settings than the controls now hold', async () => {
    worker.answer('denoiser-noise-cosines', () => matrix({ k: 4 }));
    act(() => appStore.getState().setLab({ k: 4 }));
    render(<LabPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Compute matrix' }));
    await screen.findByTestId('lab-results');
    expect(screen.getByTestId('lab-measured').textContent).not.toMatch(/changed/);
    act(() => appStore.getState().setLab({ seed: 9 }));
    expect(screen.getByTestId('lab-measured').textContent).toMatch(/settings above have changed since/);
  });
});
