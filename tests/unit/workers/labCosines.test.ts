// The Equivalence lab's request to the model worker: the gradient-cosine matrix between noise levels of the
// shipped digit denoiser, driven through the real handler on tfjs's wasm backend with the shipped files.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { deserialize, serialize, type Denoiser, type WeightsMeta } from '../../../src/models/diffusion';
import type { DenoiserNoiseCosines, Reply, Request } from '../../../src/protocol';
import { baseUrl, fileFetch, harness, memoryStorage, PUBLIC, startWasm } from './hostHarness';

const hasDigits = existsSync(`${PUBLIC}models/diffusion/digits/model.json`);
const digits = { model: 'digits' as const, baseUrl };

function setup() {
  const storage = memoryStorage({
    serialize: (model: Denoiser, meta: WeightsMeta) => serialize('diffusion-denoiser', model, meta),
    deserialize: (json, weights) => deserialize('diffusion-denoiser', json, weights),
  });
  return harness({ denoiser: { fetch: fileFetch(), storage, heldoutLimit: 40 } });
}

const gradientReplies = (replies: Reply[], id: number) =>
  replies.filter((r) => r.id === id && r.kind === 'progress' && (r.data as { phase?: string } | undefined)?.phase === 'gradients');

beforeAll(() => startWasm(true));

describe.skipIf(!hasDigits)('the noise-level cosine request (shipped digit denoiser)', () => {
  it('answers a symmetric K × K matrix with unit diagonal, the K levels’ λ, norms and half-batch spread, after K progress replies', async () => {
    const { handle, replies, next } = setup();
    const id = next();
    await handle({ id, kind: 'denoiser-noise-cosines', ...digits, k: 4, batch: 16, seed: 1 } as Request);
    const last = replies.filter((r) => r.id === id).at(-1)!;
    expect(last.kind).toBe('result');
    const out = (last as Extract<Reply, { kind: 'result' }>).result as DenoiserNoiseCosines;
    expect(out).toMatchObject({ model: 'digits', k: 4, batch: 16, seed: 1, parameterization: 'eps', backend: 'wasm' });
    expect(out.lambda).toEqual([-7.5, -2.5, 2.5, 7.5]); // the centres of 4 equal bins of λ ∈ [−10, 10]
    expect(out.cosines).toHaveLength(16);
    for (let i = 0; i < 4; i++) {
      expect(out.cosines[i * 4 + i]).toBe(1);
      for (let j = 0; j < 4; j++) {
        expect(out.cosines[i * 4 + j]).toBe(out.cosines[j * 4 + i]);
        expect(Math.abs(out.cosines[i * 4 + j])).toBeLessThanOrEqual(1);
      }
    }
    expect(Array.from(out.norms).every((n) => n > 0)).toBe(true);
    for (let i = 0; i < 4; i++) {
      expect(out.spread[i * 4 + i]).toBe(0);
      for (let j = 0; j < 4; j++) expect(out.spread[i * 4 + j] >= 0 && out.spread[i * 4 + j] <= 2).toBe(true);
    }
    expect(out.milliseconds).toBeGreaterThan(0);
    const progress = gradientReplies(replies, id).map((r) => (r.kind === 'progress' ? [r.done, r.total] : []));
    expect(progress).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
  }, 120_000);

  it('gives the same matrix for the same batch and seed, another for another seed, and leaks no tensors', async () => {
    const { ask } = setup();
    const first = await ask<DenoiserNoiseCosines>({ kind: 'denoiser-noise-cosines', ...digits, k: 4, batch: 8, seed: 3 });
    const tensors = tf.memory().numTensors;
    const again = await ask<DenoiserNoiseCosines>({ kind: 'denoiser-noise-cosines', ...digits, k: 4, batch: 8, seed: 3 });
    expect(Array.from(again.cosines)).toEqual(Array.from(first.cosines));
    const other = await ask<DenoiserNoiseCosines>({ kind: 'denoiser-noise-cosines', ...digits, k: 4, batch: 8, seed: 4 });
    expect(Array.from(other.cosines)).not.toEqual(Array.from(first.cosines));
    expect(tf.memory().numTensors).toBe(tensors);
  }, 120_000);

  it('stops between gradients when cancelled, answers "cancelled", frees its tensors and serves the next request', async () => {
    const { ask, handle, replies, next } = setup();
    await ask({ kind: 'denoiser-load', ...digits }); // the model in memory, so only the matrix is under way
    const tensors = tf.memory().numTensors;
    const id = next();
    const running = handle({ id, kind: 'denoiser-noise-cosines', ...digits, k: 12, batch: 16, seed: 1 } as Request);
    await expect.poll(() => gradientReplies(replies, id).length, { timeout: 60_000, interval: 2 }).toBeGreaterThanOrEqual(1);
    await handle({ id, kind: 'cancel' });
    await running;
    const mine = replies.filter((r) => r.id === id);
    expect(mine.at(-1)).toEqual({ id, kind: 'error', message: 'cancelled' });
    expect(mine.some((r) => r.kind === 'result')).toBe(false);
    expect(gradientReplies(replies, id).length).toBeLessThanOrEqual(2); // it stopped at the next gradient, not at the end
    expect(tf.memory().numTensors).toBe(tensors);
    const after = await ask<DenoiserNoiseCosines>({ kind: 'denoiser-noise-cosines', ...digits, k: 4, batch: 8, seed: 1 });
    expect(after.k).toBe(4);
  }, 120_000);

  it('rejects odd or oversized batches, too few or too many levels and a fractional seed', async () => {
    const { ask } = setup();
    await expect(ask({ kind: 'denoiser-noise-cosines', ...digits, k: 4, batch: 7, seed: 1 })).rejects.toThrow(/even number/);
    await expect(ask({ kind: 'denoiser-noise-cosines', ...digits, k: 4, batch: 128, seed: 1 })).rejects.toThrow(/even number/);
    await expect(ask({ kind: 'denoiser-noise-cosines', ...digits, k: 1, batch: 8, seed: 1 })).rejects.toThrow(/noise levels/);
    await expect(ask({ kind: 'denoiser-noise-cosines', ...digits, k: 40, batch: 8, seed: 1 })).rejects.toThrow(/noise levels/);
    await expect(ask({ kind: 'denoiser-noise-cosines', ...digits, k: 4, batch: 8, seed: 1.5 })).rejects.toThrow(/whole number/);
    await expect(ask({ kind: 'denoiser-noise-cosines', ...digits, k: 4, batch: 64, seed: 1 })).rejects.toThrow(/larger than the 40 held-out digits/);
  }, 60_000);
});
