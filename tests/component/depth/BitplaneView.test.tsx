// The Depth panel's first view and the entry's request made ahead of it (main.tsx askFirstAnswer): both go through
// compute/requests' BITPLANE_REQUEST and bitplanePayload, so the answer asked for at start-up is the one the view
// finds in its first render, with its charts drawn and nothing asked again.
import { Profiler } from 'react';
import { act, cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { askAhead, forgetAnswers } from '../../../src/compute/answers';
import { BITPLANE_REQUEST, bitplanePayload } from '../../../src/compute/requests';
import { analyzeBitplanes } from '../../../src/core/depth/bitplanes';
import { appStore } from '../../../src/state/store';
import { BitplaneView } from '../../../src/ui/panels/depth/BitplaneView';
import { randomImage8 } from '../../randomImages';
import { FakeRqaeClient } from './fakeRqaeClient';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/compute/client')>()),
  getComputeClient: () => fake.current!.client,
}));

const img = randomImage8(16, 16, 11);

let worker: FakeRqaeClient;
beforeEach(() => {
  forgetAnswers();
  worker = new FakeRqaeClient();
  fake.current = worker;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  worker.answer('bitplane-analysis', (c) => {
    const { width, height, data } = (c.payload as { image: { width: number; height: number; data: Float32Array } }).image;
    return analyzeBitplanes({ width, height, data });
  });
  act(() => {
    appStore.getState().setDepth({ view: 'bitplanes', bits: 3 });
    appStore.setState((s) => ({ image: { ...s.image, working: img, workingHash: 'img-bp', loading: false } }));
  });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** Whether the PSNR chart (with its step mark) is on the page, at every commit of the view. */
function renderRecording(): boolean[] {
  const charted: boolean[] = [];
  render(
    <Profiler id="bitplanes" onRender={() => charted.push(Boolean(document.querySelector('[data-testid="figure-depth-psnr"] svg .highlight')))}>
      <BitplaneView />
    </Profiler>,
  );
  return charted;
}

describe('the bit-plane view and its answer asked for ahead', { timeout: 30_000 }, () => {
  it('asked ahead as the entry asks it, the answer is in the view’s first render: charts drawn in its first commit, no second request', async () => {
    await askAhead(BITPLANE_REQUEST, 'img-bp', bitplanePayload(img, 'img-bp'));
    expect(worker.of('bitplane-analysis')).toHaveLength(1);
    const charted = renderRecording();
    expect(charted[0]).toBe(true);
    await act(async () => { await new Promise((resolve) => setTimeout(resolve, 20)); });
    expect(worker.of('bitplane-analysis')).toHaveLength(1);
    expect(document.querySelector('[data-testid="figure-depth-psnr"] svg')?.textContent).toMatch(/At k = 3: \d+\.\d\d dB/);
  });

  it('not asked ahead, the view asks itself once and draws its charts only when the answer comes (the control)', async () => {
    const charted = renderRecording();
    expect(charted[0]).toBe(false);
    await waitFor(() => expect(charted.at(-1)).toBe(true));
    expect(worker.of('bitplane-analysis')).toHaveLength(1);
  });
});
