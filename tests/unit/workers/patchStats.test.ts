import { describe, expect, it } from 'vitest';
import { analyzeOrdering, binMeans, orderOf } from '../../../src/core/patch/analysis';
import { patchGrid } from '../../../src/core/patch/grid';
import { createComputeHandler } from '../../../src/workers/dispatch';
import type { ImagePayload, PatchStatsResult, Reply } from '../../../src/protocol';
import { imagePayload } from './testPayloads';

const payload = (): ImagePayload => imagePayload(16, 16, (i) => ((i * 53) % 97) / 96);

describe('patch statistics in the worker', () => {
  it('answers every asked ordering with the same numbers as the core, then serves repeats from its cache', async () => {
    const replies: Reply[] = [];
    const handle = createComputeHandler({ post: (r) => replies.push(r) });
    const image = payload();
    const orderings = [{ kind: 'raster' as const }, { kind: 'random' as const, seed: 3 }, { kind: 'custom' as const, cells: [5, 5, 99, 0] }];
    await handle({ id: 1, kind: 'patch-stats', image, patch: 4, orderings });
    const result = replies.find((r) => r.kind === 'result') as { result: PatchStatsResult };
    expect(result.result.rows).toBe(4);
    const grid = patchGrid(image, 4);
    orderings.forEach((spec, i) => expect(result.result.orderings[i]).toEqual(analyzeOrdering(grid, spec)));
    // Invalid and repeated painted cells are dropped; the rest follow in raster order.
    expect(Array.from(orderOf(orderings[2], 4, 4)).slice(0, 3)).toEqual([5, 0, 1]);

    replies.length = 0;
    await handle({ id: 2, kind: 'patch-stats', image, patch: 4, orderings: [orderings[1]] });
    expect(replies.filter((r) => r.kind === 'progress')).toHaveLength(1); // only the final "done" report
  });

  it('refuses a patch size that does not divide the image', async () => {
    const replies: Reply[] = [];
    const handle = createComputeHandler({ post: (r) => replies.push(r) });
    await handle({ id: 1, kind: 'patch-stats', image: payload(), patch: 5, orderings: [{ kind: 'raster' }] });
    expect(replies.at(-1)).toMatchObject({ kind: 'error', message: expect.stringMatching(/does not divide/) });
  });
});

describe('binMeans', () => {
  it('keeps short curves as they are and averages long ones per bin, ignoring NaN', () => {
    expect(binMeans([NaN, 1, 2], 10)).toEqual([{ x: 1, y: 1 }, { x: 2, y: 2 }]);
    expect(binMeans([0, 2, 4, 6], 2)).toEqual([{ x: 0.5, y: 1 }, { x: 2.5, y: 5 }]);
  });
});
