import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '../../../src/state/store';
import { LearnedRQSection } from '../../../src/ui/panels/depth/LearnedRQSection';
import { nonMonotoneBars } from '../../../src/ui/panels/depth/learnedRqCharts';
import { comparison, FakeRqaeClient, reconstruction, status } from './fakeRqaeClient';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/compute/client')>()),
  getComputeClient: () => fake.current!.client,
}));

let worker: FakeRqaeClient;
beforeEach(() => {
  worker = new FakeRqaeClient();
  fake.current = worker;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

async function loaded(model = 'summed-d4') {
  worker.answer('rqae-load', (c) => status(c.payload.model as string));
  worker.answer('rqae-compare', () => comparison());
  worker.answer('rqae-reconstruct', (c) => reconstruction(status(c.payload.model as string), c.payload.digit as number));
  render(<LearnedRQSection />);
  if (model !== 'summed-d8') fireEvent.change(screen.getByLabelText('Model'), { target: { value: model } });
  fireEvent.click(screen.getByRole('button', { name: 'Load the model' }));
  await screen.findByTestId('rqae-readout');
}

// Each test renders a dozen charts in jsdom: allow for a busy machine.
describe('the learned RQ auto-encoder section', { timeout: 30_000 }, () => {
  it('loads on request with a progress bar, then reports PSNR and the non-monotone fraction', async () => {
    worker.hold('rqae-load');
    render(<LearnedRQSection />);
    expect(worker.calls).toHaveLength(0); // nothing loads before the user asks
    fireEvent.click(screen.getByRole('button', { name: 'Load the model' }));
    const call = worker.last('rqae-load');
    expect(call.payload).toMatchObject({ model: 'summed-d8', baseUrl: expect.stringMatching(/\/$/) });
    act(() => call.opts.onProgress?.(500, 1000, 'Evaluating on the held-out digits', { phase: 'evaluating' } as never));
    expect(screen.getByRole('progressbar', { name: 'Loading the RQ auto-encoder' }).getAttribute('value')).toBe('0.5');
    expect(screen.getByText('Evaluating on the held-out digits')).toBeTruthy();
    worker.answer('rqae-compare', () => comparison());
    worker.answer('rqae-reconstruct', (c) => reconstruction(status('summed-d8'), c.payload.digit as number));
    act(() => call.resolve(status('summed-d8')));
    const readout = await screen.findByTestId('rqae-readout');
    expect(readout.textContent).toMatch(/\(b\) D = 8: the shipped pretrained weights \(1,000 training steps\), 23,456 parameters, one shared codebook of 128 codewords, on wasm/);
    expect(readout.textContent).toMatch(/42\.0 % of 500 held-out digits get worse/);
    await waitFor(() => expect(worker.of('rqae-compare')).toHaveLength(1));
  });

  it('overlays every shipped model’s PSNR curve and puts the talk’s numbers next to the measured ones', async () => {
    await loaded();
    await waitFor(() => expect(document.querySelector('[data-testid="figure-rqae-psnr"] svg desc')?.textContent).toMatch(/\(a\) D = 8/));
    const psnr = document.querySelector('[data-testid="figure-rqae-psnr"] svg desc')!.textContent!;
    for (const label of ['(b) D = 4', '(b) D = 8', '(b) D = 16', '(a) D = 8']) expect(psnr).toContain(label);
    const bars = document.querySelector('[data-testid="figure-rqae-nonmonotone"] svg desc')!.textContent!;
    expect(bars).toMatch(/reported in the talk/);
    expect(bars).toMatch(/measured here/);
    expect(document.querySelector('[data-testid="figure-rqae-nonmonotone"] .figure-note')?.textContent).toMatch(/Light bars: reported in the talk.*Dark bars: measured here/);
  });

  it('rebuilds a held-out digit depth by depth and says when a code made it worse', async () => {
    await loaded();
    const slider = screen.getByRole('slider', { name: /Depth d/ });
    expect(slider.getAttribute('max')).toBe('4');
    fireEvent.change(slider, { target: { value: '3' } });
    const readout = await screen.findByTestId('rqae-digit-readout');
    expect(readout.textContent).toMatch(/Depth 3: MSE 0\.03000 \(depth 2: 0\.02000\) — this code made the reconstruction worse/);
    fireEvent.change(slider, { target: { value: '2' } });
    expect(screen.getByTestId('rqae-digit-readout').textContent).not.toMatch(/worse/);
    expect(screen.getByText('Codeword usage at depth 2', { selector: '.figure-title' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Held-out digit'), { target: { value: '7' } });
    await waitFor(() => expect(worker.last('rqae-reconstruct').payload).toMatchObject({ digit: 7, model: 'summed-d4' }));
  });

  it('trains with live loss and steps/s, pauses by cancelling, and saves', async () => {
    await loaded();
    worker.hold('rqae-train');
    fireEvent.change(screen.getByLabelText('Steps'), { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    const call = worker.last('rqae-train');
    expect(call.payload).toMatchObject({ model: 'summed-d4', steps: 50, batch: 32 });
    act(() => call.opts.onProgress?.(1, 50, 'Training', { step: 1, loss: 0.25, stepsPerSecond: 1.5 } as never));
    expect(screen.getByTestId('rqae-train-readout').textContent).toMatch(/Step 1, loss 0\.2500, 1\.50 steps\/s on wasm/);
    expect(document.querySelector('[data-testid="figure-rqae-loss"] svg')).not.toBeNull();
    expect(screen.getByLabelText('Model')).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(call.aborted).toBe(true);
    await screen.findByRole('button', { name: 'Resume training' });
    // A paused run re-evaluates the weights (a second load); save once that has landed, as a user would see it
    // finish, so the fake's reload status (not saved) cannot arrive after the save's.
    await waitFor(() => expect(worker.of('rqae-load')).toHaveLength(2));
    await waitFor(() => expect(screen.queryByRole('progressbar', { name: 'Loading the RQ auto-encoder' })).toBeNull());
    worker.answer('rqae-save', () => status('summed-d4', { saved: true }));
    fireEvent.click(screen.getByRole('button', { name: 'Save in this browser' }));
    await screen.findByRole('button', { name: 'Delete the saved copy' });
  });

  it('trains a crop model on the current image: sends a copy of it, hides saving and the digit comparison', async () => {
    const data = new Float32Array(40 * 40 * 3).fill(0.3);
    act(() => appStore.setState({ image: { ...appStore.getState().image, working: { width: 40, height: 40, data }, workingHash: 'img-1' } }));
    worker.answer('rqae-load', (c) => status(c.payload.model as string, { key: `crops|${c.payload.model as string}`, data: 'crops', side: 32, channels: 3, source: 'fresh', heldoutCount: 64, trainedSteps: null }));
    worker.answer('rqae-compare', () => comparison());
    worker.answer('rqae-reconstruct', (c) => reconstruction({ ...status('summed-d8'), key: 'crops|summed-d8', side: 32, channels: 3 }, c.payload.digit as number));
    render(<LearnedRQSection />);
    fireEvent.change(screen.getByLabelText('Data'), { target: { value: 'crops' } });
    fireEvent.click(screen.getByRole('button', { name: 'Load the model' }));
    const readout = await screen.findByTestId('rqae-readout');
    expect(readout.textContent).toMatch(/fresh weights trained only in this session/);
    expect(readout.textContent).toMatch(/of 64 held-out crops get worse/);
    const payload = worker.last('rqae-load').payload as { data: string; image: { data: Float32Array; hash: string } };
    expect(payload.data).toBe('crops');
    expect(payload).not.toHaveProperty('perDepthCodebooks');
    expect(payload.image.hash).toBe('img-1');
    expect(payload.image.data).not.toBe(data); // a copy: the client transfers what it sends
    expect(screen.queryByRole('button', { name: 'Save in this browser' })).toBeNull();
    expect(screen.getByLabelText('Held-out crop')).toBeTruthy();
    await waitFor(() => expect(document.querySelector('[data-testid="figure-rqae-psnr"] svg desc')?.textContent).toMatch(/held-out crops/));
    expect(document.querySelector('[data-testid="figure-rqae-psnr"] svg desc')!.textContent).not.toMatch(/\(a\) D = 8/);

    // One codebook per depth: another model, asked for by its own key.
    fireEvent.click(screen.getByLabelText('One codebook per depth'));
    await waitFor(() => expect(worker.last('rqae-load').payload).toMatchObject({ data: 'crops', perDepthCodebooks: true }));
  });

  it('labels talk bars and measured bars apart, in depth order, the per-depth-codebook models last', () => {
    const bars = nonMonotoneBars(comparison().models);
    expect(bars.map((b) => b.label)).toEqual(['D=4 talk', 'D=4 (b) here', 'D=8 talk', 'D=8 (b) here', 'D=8 (a) here', 'D=16 talk', 'D=16 (b) here']);
    expect(bars.filter((b) => b.highlighted).map((b) => b.value)).toEqual([0.25, 0.6, 0.9, 0.7]);
    const more = nonMonotoneBars([
      { model: 'full-d8-perdepth', objective: 'full', depth: 8, nonMonotoneFraction: 0.3 },
      ...comparison().models,
      { model: 'full-d16', objective: 'full', depth: 16, nonMonotoneFraction: 0.5 },
    ]);
    expect(more.map((b) => b.label).slice(-3)).toEqual(['D=16 (b) here', 'D=16 (a) here', 'D=8 (a) per-depth here']);
  });

  it('draws the non-monotone fraction against the threshold for the models measured, beside the talk’s numbers', async () => {
    await loaded();
    await waitFor(() => expect(document.querySelector('[data-testid="figure-rqae-thresholds"] svg desc')?.textContent).toMatch(/\(b\) D = 16: 70\.0 % at 1e-6, .* 10\.0 % at 5 %/));
    const desc = document.querySelector('[data-testid="figure-rqae-thresholds"] svg desc')!.textContent!;
    expect(desc).toMatch(/D=4 ≈30 %, D=8 ≈40 %, D=16 >50 %/);
    expect(document.querySelector('[data-testid="figure-rqae-thresholds"] .figure-note')?.textContent).toMatch(/summed objective \(b\) with a shared codebook/);
  });

  it('shows the non-monotone fraction over training when the script recorded checkpoints, and nothing otherwise', async () => {
    await loaded();
    await waitFor(() => expect(document.querySelector('[data-testid="figure-rqae-psnr"] svg desc')?.textContent).toMatch(/\(a\) D = 8/));
    expect(document.querySelector('[data-testid="figure-rqae-checkpoints"]')).toBeNull();
    cleanup();

    const run = [{ step: 200, nonMonotoneFraction: 0.5, fullDepthPsnr: 22 }, { step: 800, nonMonotoneFraction: 0.7, fullDepthPsnr: 26 }];
    worker = new FakeRqaeClient();
    fake.current = worker;
    worker.answer('rqae-load', (c) => status(c.payload.model as string, { recorded: { psnrPerDepth: [20, 22, 23, 24], nonMonotoneFraction: 0.4, increaseFractionPerStep: [0, 0, 0.4], checkpoints: run } }));
    worker.answer('rqae-compare', () => {
      const c = comparison();
      c.models[3] = { ...c.models[3], checkpoints: [{ step: 300, nonMonotoneFraction: 0.9, fullDepthPsnr: 24 }] };
      return c;
    });
    worker.answer('rqae-reconstruct', (c) => reconstruction(status(c.payload.model as string), c.payload.digit as number));
    render(<LearnedRQSection />);
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'summed-d4' } });
    fireEvent.click(screen.getByRole('button', { name: 'Load the model' }));
    await waitFor(() => expect(document.querySelector('[data-testid="figure-rqae-checkpoints"] svg desc')?.textContent).toMatch(/\(a\) D = 8/));
    const desc = document.querySelector('[data-testid="figure-rqae-checkpoints"] svg desc')!.textContent!;
    expect(desc).toMatch(/\(b\) D = 4: step 200 50\.0 %, step 800 70\.0 %/);
    expect(desc).toMatch(/\(a\) D = 8: step 300 90\.0 %/);
    expect(desc).not.toMatch(/\(b\) D = 16/); // no checkpoints recorded for it
  });
});
