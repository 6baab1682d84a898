import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { diffusionDefaults } from '../../../src/state/diffusionSlice';
import { appStore } from '../../../src/state/store';
import type { DenoiserQuality } from '../../../src/protocol';
import { DenoiserSection } from '../../../src/ui/panels/diffusion/DenoiserSection';
import { QualitySection } from '../../../src/ui/panels/diffusion/QualitySection';
import { captureDownloads, parseCsv } from '../lab/download';
import { digitStatus, FakeDenoiserClient, patchStatus, prediction } from './fakeDenoiser';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/compute/client')>()),
  getComputeClient: () => fake.current!.client,
}));

let worker: FakeDenoiserClient;
configure({ asyncUtilTimeout: 4000 });

beforeEach(() => {
  worker = new FakeDenoiserClient();
  fake.current = worker;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  appStore.setState({ diffusion: { ...diffusionDefaults } });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const target = { model: 'digits' as const, baseUrl: 'http://app.test/' };

function quality(over: Partial<DenoiserQuality> = {}): DenoiserQuality {
  const row = (placement: 'everywhere' | 'middle' | 'nowhere', accuracy: number, fd: number) => ({
    placement, guidance: placement === 'nowhere' ? 1 : 2, interval: placement === 'nowhere' ? null : [0, Infinity] as [number, number],
    accuracy, classAccuracy: new Array(10).fill(accuracy), fd, fdMean: fd / 3, fdCov: (2 * fd) / 3,
  });
  return {
    model: 'digits', version: 1, settings: { perClass: 100, steps: 20, guidance: 2, seed: 1 }, samples: 1000, heldoutCount: 1000, featureDim: 128,
    rows: [row('everywhere', 0.937, 46.33), row('middle', 0.909, 51.59), row('nowhere', 0.591, 81.51)],
    floor: { fd: 2.99, trainCount: 1000, classifierAccuracy: 0.988 }, milliseconds: 42_000, cached: false, backend: 'wasm', ...over,
  };
}

const measureButton = () => screen.getByRole('button', { name: /^Measure/ });

describe('QualitySection', () => {
  it('measures on request with progress, the time left and Cancel, and says when it was cancelled', async () => {
    worker.hold('denoiser-quality');
    render(<QualitySection status={digitStatus()} target={target} name="digit" />);
    fireEvent.click(measureButton());
    const call = worker.last('denoiser-quality');
    expect(call.payload).toEqual({ ...target, settings: { perClass: 100, steps: 20, guidance: 2, seed: 1 } });
    expect(measureButton()).toHaveProperty('disabled', true);
    // The pace: a quarter of the steps in 10 s leaves 30 s.
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    act(() => call.opts.onProgress?.(0, 600, 'Sampling', { phase: 'sampling', placement: 'everywhere', samples: 0 } as never));
    now += 10_000;
    act(() => call.opts.onProgress?.(150, 600, 'Sampling', { phase: 'sampling', placement: 'middle', samples: 300 } as never));
    expect(screen.getByRole('progressbar', { name: 'Measuring sample quality' }).getAttribute('value')).toBe('0.25');
    expect(screen.getByText('Sampling, guidance middle noise only (EDM2: σ 0.28–5.42): 300 of 1,000 done')).toBeTruthy();
    expect(screen.getByTestId('denoiser-quality-eta').textContent).toBe('about 30 s left');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(call.aborted).toBe(true);
    expect((await screen.findByRole('alert')).textContent).toMatch(/measurement was cancelled/);
    expect(screen.queryByRole('progressbar', { name: 'Measuring sample quality' })).toBeNull();
    expect(measureButton()).toHaveProperty('disabled', false);
  });

  it('shows the table with a caption, percentages and distances, the floor, and exports it as CSV', async () => {
    worker.answer('denoiser-quality', () => quality());
    render(<QualitySection status={digitStatus()} target={target} name="digit" />);
    fireEvent.change(screen.getByLabelText('Samples per class'), { target: { value: '20' } });
    fireEvent.change(screen.getByLabelText('Guidance w'), { target: { value: '3' } });
    fireEvent.click(measureButton());
    expect(worker.last('denoiser-quality').payload).toMatchObject({ settings: { perClass: 20, guidance: 3, steps: 20, seed: 1 } });
    const table = await screen.findByRole('table', { name: /^Sample quality of the digit denoiser: 1,000 samples per row \(100 per class\), 20 DDIM steps/ });
    const rows = within(table).getAllByRole('row').slice(1).map((r) => Array.from(r.children, (c) => c.textContent));
    expect(rows).toEqual([
      ['Everywhere', '93.7 %', '46.33'],
      ['Middle noise only (EDM2: σ 0.28–5.42)', '90.9 %', '51.59'],
      ['Nowhere (w = 1)', '59.1 %', '81.51'],
      ['Floor: held-out vs 1,000 training digits', '98.8 %', '2.99'],
    ]);
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Guidance', 'Class accuracy (%)', 'FD-classifier (feature units²)']);
    expect(screen.getByTestId('denoiser-quality-readout').textContent).toMatch(/Measured in 42\.00 s on wasm/);

    const downloads = captureDownloads();
    fireEvent.click(screen.getByRole('button', { name: 'Export “Sample quality” as CSV' }));
    expect(downloads).toHaveLength(1);
    expect(downloads[0].name).toBe('diffusion-sample-quality_model-digits_n-100_w-2_seed-1.csv');
    const csv = parseCsv(await downloads[0].text());
    expect(csv[0].slice(0, 3)).toEqual(['row', 'class accuracy (%)', 'FD-classifier (feature units²)']);
    expect(csv).toHaveLength(5);
    expect(Number(csv[1][1])).toBeCloseTo(93.7, 9);
    expect(Number(csv[4][2])).toBe(2.99);
  });

  it('says when the answer came from the cache, when the weights changed since, and shows a failure as an alert', async () => {
    worker.answer('denoiser-quality', () => quality({ cached: true, milliseconds: 0 }));
    const { rerender } = render(<QualitySection status={digitStatus()} target={target} name="digit" />);
    fireEvent.click(measureButton());
    expect((await screen.findByTestId('denoiser-quality-readout')).textContent).toMatch(/Answered from this page’s earlier measurement/);
    rerender(<QualitySection status={digitStatus({ version: 2 })} target={target} name="digit" />);
    expect(screen.getByTestId('denoiser-quality-readout').textContent).toMatch(/weights have changed since/);

    worker.handlers['denoiser-quality'] = (call) => queueMicrotask(() => call.reject(new Error('denoiser-quality: could not download the classifier')));
    fireEvent.click(measureButton());
    expect((await screen.findByRole('alert')).textContent).toMatch(/The measurement failed: .*could not download the classifier/);
    // The last table stays.
    expect(screen.getByRole('table', { name: /^Sample quality/ })).toBeTruthy();
  });
});

describe('the denoiser section', () => {
  it('offers the quality measurement for a class-conditional digit model and not for the unconditional patch model', async () => {
    worker.answer('denoiser-load', (call) => (call.payload.model === 'patches' ? patchStatus() : digitStatus()));
    worker.answer('denoiser-predict', () => prediction(digitStatus()));
    render(<DenoiserSection />);
    fireEvent.click(screen.getByRole('button', { name: 'Load the denoiser' }));
    await screen.findByTestId('denoiser-readout');
    expect(screen.getByRole('heading', { name: 'Sample quality' })).toBeTruthy();
    act(() => appStore.getState().setDiffusion({ denoiser: 'patches' }));
    await waitFor(() => expect(screen.getByTestId('denoiser-readout').textContent).toMatch(/patches/));
    expect(screen.queryByRole('heading', { name: 'Sample quality' })).toBeNull();
  });
});
