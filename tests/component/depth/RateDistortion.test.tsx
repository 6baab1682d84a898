import { act, cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { depthSteps, type DepthSpec } from '../../../src/core/depth/views';
import { createImage } from '../../../src/core/image';
import { appStore } from '../../../src/state/store';
import { DepthPanel } from '../../../src/ui/panels/depth/DepthPanel';
import { randomImage8 } from '../../randomImages';
import { FakeRqaeClient } from './fakeRqaeClient';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/compute/client')>()),
  getComputeClient: () => fake.current!.client,
}));

const img = randomImage8(16, 16, 3);
const numbers = (spec: DepthSpec) => depthSteps(img, spec).map(({ reconstruction: _r, codes: _c, ...rest }) => rest);

let worker: FakeRqaeClient;
beforeEach(() => {
  worker = new FakeRqaeClient();
  fake.current = worker;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  worker.answer('depth-view', (c) => {
    const steps = depthSteps(img, c.payload.spec as DepthSpec);
    const d = Math.min(c.payload.d as number, steps.length);
    return { steps: steps.map(({ reconstruction: _r, codes: _c, ...rest }) => rest), d, reconstruction: steps[d - 1].reconstruction, previous: null, codes: steps[d - 1].codes ?? null, of: `img-rd|${JSON.stringify(c.payload.spec)}` };
  });
  worker.answer('depth-rd', (c) => (c.payload.specs as DepthSpec[]).map(numbers));
  worker.answer('bitplane-analysis', () => { throw new Error('not shown'); });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the rate–distortion chart beside a residual-quantization view', { timeout: 30_000 }, () => {
  it('draws the RQ curve from the steps view’s own answer: a K change fits RQ once, not again for the chart, and the view follows it', async () => {
    act(() => {
      appStore.getState().setDepth({ view: 'rq', patch: 4, K: 4, depth: 2, d: 1 });
      appStore.setState((s) => ({ image: { ...s.image, working: img, workingHash: 'img-rd', loading: false } }));
    });
    render(<DepthPanel />);
    const desc = () => document.querySelector('[data-testid="figure-depth-rd"] svg')?.textContent ?? '';
    await waitFor(() => expect(document.querySelector('[data-testid="figure-depth-rd"] svg g.series[data-series="rq"]')).toBeTruthy());
    expect(desc()).toContain('RQ (K=4)');
    act(() => appStore.getState().setDepth({ K: 8 }));
    await waitFor(() => expect(desc()).toContain('RQ (K=8)'));
    // The steps view shows the new codebook (the old answer's numbers never meet the new answer's codes).
    await waitFor(() => expect(document.querySelector('[data-testid="depth-codebook-readout"]')?.textContent).toMatch(/of 8 codewords/));
    // Every fit of RQ was the steps view's: the chart's requests named only the cheap decompositions, once.
    expect(worker.of('depth-view').length).toBeGreaterThanOrEqual(2);
    const rd = worker.of('depth-rd');
    expect(rd).toHaveLength(1);
    expect((rd[0].payload.specs as DepthSpec[]).map((s) => s.kind)).not.toContain('rq');
  });

  it('shows the chart of a working image just left in the render that goes back to it: the same chart, asked for once', async () => {
    const other = createImage(16, 16);
    for (let i = 0; i < other.data.length; i++) other.data[i] = img.data[(i + 3) % img.data.length];
    const show = (working: typeof img, workingHash: string) => act(() => appStore.setState((s) => ({ image: { ...s.image, working, workingHash, loading: false } })));
    act(() => appStore.getState().setDepth({ view: 'scales', d: 1 }));
    show(img, 'img-a');
    render(<DepthPanel />);
    const chart = () => document.querySelector('[data-testid="figure-depth-rd"] svg');
    await waitFor(() => expect(chart()?.querySelector('g.series[data-series="scales"]')).toBeTruthy());
    const first = chart();
    show(other, 'img-b');
    await waitFor(() => expect(chart()).not.toBe(first));
    show(img, 'img-a');
    expect(chart()).toBe(first); // in the render of the change itself, with no wait
    expect(worker.of('depth-rd')).toHaveLength(2);
  });
});

