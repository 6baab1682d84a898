// The steps view's request (the analysis host's depthView): every step's numbers once per image and spec, and the
// SSIM of each step scored when that step is first shown, exactly as metrics.ssim gives it.
import { describe, expect, it } from 'vitest';
import { depthSteps, type DepthSpec } from '../../../src/core/depth/views';
import { ssim } from '../../../src/core/metrics';
import { createComputeHandler } from '../../../src/workers/dispatch';
import type { DepthViewResult, ImagePayload, Reply } from '../../../src/protocol';
import { imagePayload } from './testPayloads';

const payload = (side: number, seed: number): ImagePayload => imagePayload(side, side, (i) => Math.round(127.5 + 120 * Math.sin(i * 0.37 + seed)) / 255);

async function ask(handle: ReturnType<typeof createComputeHandler>, replies: Reply[], id: number, image: ImagePayload, spec: DepthSpec, d: number): Promise<DepthViewResult> {
  await handle({ id, kind: 'depth-view', image, spec, d });
  const last = replies.at(-1);
  if (last?.kind !== 'result') throw new Error(`no result: ${JSON.stringify(last)}`);
  return last.result as DepthViewResult;
}

describe('depth-view SSIM', () => {
  it('is metrics.ssim of the shown step (1e-9), NaN for steps not shown yet, and kept once scored', async () => {
    const replies: Reply[] = [];
    const handle = createComputeHandler({ post: (r) => replies.push(r) });
    const image = payload(24, 1);
    const spec: DepthSpec = { kind: 'dct-block', step: 4 / 255 };
    const expected = depthSteps(image, spec).map((s) => ssim(s.reconstruction, image));

    const first = await ask(handle, replies, 1, image, spec, 3);
    expect(Math.abs(first.steps[2].ssim - expected[2])).toBeLessThan(1e-9);
    expect(first.steps.filter((_, i) => i !== 2).every((s) => Number.isNaN(s.ssim))).toBe(true);
    // The other numbers are the full computation's.
    expect(first.steps.map((s) => s.psnr)).toEqual(depthSteps(image, spec).map((s) => s.psnr));

    const second = await ask(handle, replies, 2, image, spec, 5);
    expect(Math.abs(second.steps[4].ssim - expected[4])).toBeLessThan(1e-9);
    expect(Math.abs(second.steps[2].ssim - expected[2])).toBeLessThan(1e-9); // step 3 keeps its score

    // Another image of the same size: scored against that image, not the last one's reference.
    const other = payload(24, 2);
    const third = await ask(handle, replies, 3, other, spec, 3);
    expect(Math.abs(third.steps[2].ssim - ssim(depthSteps(other, spec)[2].reconstruction, other))).toBeLessThan(1e-9);
  });

  it('stays NaN under 11×11, where SSIM is not defined', async () => {
    const replies: Reply[] = [];
    const handle = createComputeHandler({ post: (r) => replies.push(r) });
    const small = await ask(handle, replies, 1, payload(8, 3), { kind: 'bitplanes' }, 2);
    expect(small.steps.every((s) => Number.isNaN(s.ssim))).toBe(true);
    expect(Number.isFinite(small.steps[1].psnr)).toBe(true);
  });
});
