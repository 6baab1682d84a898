// A page that is cross-origin isolated shares its working image with the workers (ui/image/pipeline.ts
// inSharedMemory, compute/requests.ts imagePayload): every analysis must read it and leave it as it was.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { imagePayload as pagePayload } from '../../../src/compute/requests';
import { BIT_ORDERS } from '../../../src/core/depth/bitOrders';
import { CHANNEL_SPACES } from '../../../src/core/depth/kinds';
import type { DepthSpec } from '../../../src/core/depth/views';
import { createImage, imageHash } from '../../../src/core/image';
import { isShared, type AnalysisRequest, type Reply } from '../../../src/protocol';
import { inSharedMemory } from '../../../src/ui/image/pipeline';
import { createComputeHandler } from '../../../src/workers/dispatch';
import { imagePayload } from './testPayloads';

const SPECS: DepthSpec[] = [
  { kind: 'bitplanes' },
  ...BIT_ORDERS.map((order) => ({ kind: 'bit-order' as const, order })),
  ...CHANNEL_SPACES.map((space) => ({ kind: 'channels' as const, space })),
  { kind: 'scales', step: 2 / 255 },
  { kind: 'dct-block', step: 2 / 255 },
  { kind: 'dct-whole', step: 2 / 255 },
  { kind: 'rq', patch: 4, K: 8, depth: 3 },
  { kind: 'vq', patch: 4, K: 8, depth: 2 },
];

afterEach(() => vi.unstubAllGlobals());

describe('a working image in shared memory', () => {
  it('is read by every analysis and left exactly as it was', async () => {
    const source = imagePayload(32, 32, (i) => Math.round(((i * 37) % 101) / 100 * 255) / 255);
    const data = new Float32Array(new SharedArrayBuffer(source.data.byteLength));
    data.set(source.data);
    const image = { ...source, data };
    const requests: AnalysisRequest[] = [
      { id: 1, kind: 'bitplane-analysis', image },
      { id: 2, kind: 'patch-stats', image, patch: 8, orderings: [{ kind: 'raster' }, { kind: 'random', seed: 1 }] },
      { id: 3, kind: 'diffusion-spectra', image, seed: 0 },
      ...SPECS.map((spec, i): AnalysisRequest => ({ id: 10 + i, kind: 'depth-view', image, spec, d: 2 })),
      { id: 99, kind: 'depth-rd', image, specs: SPECS },
    ];
    const replies: Reply[] = [];
    const handle = createComputeHandler({ post: (r) => replies.push(r) });
    for (const request of requests) await handle(request);
    expect(replies.filter((r) => r.kind === 'error')).toEqual([]);
    expect(replies.filter((r) => r.kind === 'result')).toHaveLength(requests.length);
    expect(Array.from(data)).toEqual(Array.from(source.data));
  });

  it('is made only when the page is cross-origin isolated, with the same pixels, and then sent without a copy', () => {
    const img = createImage(4, 2);
    img.data.forEach((_, i) => (img.data[i] = i / 24));
    vi.stubGlobal('crossOriginIsolated', false);
    expect(inSharedMemory(img)).toBe(img);
    const copied = pagePayload(img, imageHash(img));
    expect(copied.data).not.toBe(img.data);
    expect(copied.data).toEqual(img.data);

    vi.stubGlobal('crossOriginIsolated', true);
    const shared = inSharedMemory(img);
    expect(isShared(shared.data)).toBe(true);
    expect(Array.from(shared.data)).toEqual(Array.from(img.data));
    expect(imageHash(shared)).toBe(imageHash(img));
    expect(pagePayload(shared, imageHash(shared)).data).toBe(shared.data);
  });
});
