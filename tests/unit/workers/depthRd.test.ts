// The rate–distortion request (the analysis host's depthRd): every curve's step numbers, computed once per image
// and spec, without reconstructions, and cancellable between curves.
import { describe, expect, it } from 'vitest';
import { depthSteps, type DepthSpec } from '../../../src/core/depth/views';
import { createComputeHandler } from '../../../src/workers/dispatch';
import type { ImagePayload, RdStepInfo, Reply } from '../../../src/protocol';
import { everyReplyClock, imagePayload } from './testPayloads';

const payload = (seed: number): ImagePayload => imagePayload(16, 12, (i) => ((i * 37 + seed * 11) % 256) / 255);

const specs: DepthSpec[] = [{ kind: 'bitplanes' }, { kind: 'channels', space: 'rgb' }, { kind: 'dct-whole', step: 2 / 255 }];

describe('depth-rd', () => {
  it('answers every curve with the steps\' numbers (no images, no SSIM), then the same again from its cache', async () => {
    const replies: Reply[] = [];
    const handle = createComputeHandler({ post: (r) => replies.push(r), now: everyReplyClock() });
    const image = payload(1);
    await handle({ id: 1, kind: 'depth-rd', image, specs });
    const result = replies.find((r) => r.kind === 'result');
    expect(result && result.kind === 'result').toBe(true);
    const curves = (result as { result: RdStepInfo[][] }).result;
    expect(curves).toHaveLength(specs.length);
    specs.forEach((spec, i) => {
      const steps = depthSteps(image, spec);
      expect(curves[i].map((s) => s.psnr)).toEqual(steps.map((s) => s.psnr));
      expect(curves[i].map((s) => s.entropyBpp)).toEqual(steps.map((s) => s.entropyBpp));
      expect(curves[i].map((s) => s.fixedBpp)).toEqual(steps.map((s) => s.fixedBpp));
      for (const s of curves[i]) {
        expect(s).not.toHaveProperty('reconstruction');
        expect(s).not.toHaveProperty('ssim'); // the chart reads PSNR and rates; SSIM would be half the cost
      }
    });

    replies.length = 0;
    await handle({ id: 2, kind: 'depth-rd', image, specs });
    // From the cache: only the per-curve progress and the result, no per-step progress of a computation.
    expect(replies.filter((r) => r.kind === 'progress').map((r) => r.kind === 'progress' && r.label)).toEqual(specs.map(() => 'Rate–distortion curves'));
    expect(replies.filter((r) => r.kind === 'progress').every((r) => r.kind === 'progress' && r.total === specs.length)).toBe(true);
    expect(replies.at(-1)).toEqual({ id: 2, kind: 'result', result: curves });
  });

  it('stops between curves when a newer RD request supersedes it', async () => {
    const replies: Reply[] = [];
    const handle = createComputeHandler({ post: (r) => replies.push(r) });
    const first = handle({ id: 1, kind: 'depth-rd', image: payload(2), specs });
    const second = handle({ id: 2, kind: 'depth-rd', image: payload(3), specs });
    await Promise.all([first, second]);
    expect(replies.filter((r) => r.id === 1 && r.kind !== 'progress')).toEqual([{ id: 1, kind: 'error', message: 'cancelled' }]);
    expect(replies.some((r) => r.id === 2 && r.kind === 'result')).toBe(true);
  });
});
