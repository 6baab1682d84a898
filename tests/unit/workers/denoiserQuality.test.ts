// The model worker's sample-quality request, through the real handler on wasm with the shipped files: progress
// per sampler step naming the placement, a cached answer for the same model, weights and settings, a fresh one
// after training, cancel between steps, and clear errors for an unconditional model or bad settings.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deserialize, serialize, type Denoiser, type WeightsMeta } from '../../../src/models/diffusion';
import type { DenoiserQuality, DenoiserQualityProgress, Request } from '../../../src/protocol';
import { baseUrl, fileFetch, harness, memoryStorage, PUBLIC, startWasm } from './hostHarness';

const shipped = existsSync(`${PUBLIC}models/diffusion/digits/model.json`) && existsSync(`${PUBLIC}models/diffusion/classifier/model.json`);
const digits = { model: 'digits' as const, baseUrl };
const settings = { perClass: 2, steps: 4, guidance: 2, seed: 3 };

function setup() {
  const storage = memoryStorage({
    serialize: (model: Denoiser, meta: WeightsMeta) => serialize('diffusion-denoiser', model, meta),
    deserialize: (json, weights) => deserialize('diffusion-denoiser', json, weights),
  });
  return harness({ denoiser: { fetch: fileFetch(), storage, heldoutLimit: 20 } });
}

beforeAll(() => startWasm(true));

describe.skipIf(!shipped)('the denoiser host’s sample quality', () => {
  it('measures the three placements with progress, answers the same settings from its cache, and measures again after training', async () => {
    const host = setup();
    const id = host.next();
    await host.handle({ id, kind: 'denoiser-quality', ...digits, settings } as Request);
    const mine = host.replies.filter((r) => r.id === id);
    const last = mine.at(-1)!;
    expect(last.kind).toBe('result');
    const q = (last as { result: DenoiserQuality }).result;
    expect(q).toMatchObject({ model: 'digits', settings, samples: 20, heldoutCount: 20, featureDim: 128, cached: false, floor: { trainCount: 20 } });
    expect(q.rows.map((r) => r.placement)).toEqual(['everywhere', 'middle', 'nowhere']);
    for (const r of q.rows) {
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      expect(r.fd).toBeGreaterThan(0);
    }
    expect(q.floor.fd).toBeGreaterThan(0);
    expect(q.floor.classifierAccuracy).toBeGreaterThan(0.9);
    const sampling = mine.flatMap((r) => (r.kind === 'progress' && (r.data as DenoiserQualityProgress).phase === 'sampling' ? [r] : []));
    expect(sampling.map((r) => (r.data as { placement: string }).placement)).toEqual([...Array(4).fill('everywhere'), ...Array(4).fill('middle'), ...Array(5).fill('nowhere')]);
    expect(sampling.at(-1)).toMatchObject({ done: 12, total: 12 });

    const again = await host.ask<DenoiserQuality>({ kind: 'denoiser-quality', ...digits, settings });
    expect(again.cached).toBe(true);
    expect(again.rows).toEqual(q.rows);
    const otherSeed = await host.ask<DenoiserQuality>({ kind: 'denoiser-quality', ...digits, settings: { ...settings, seed: 4 } });
    expect(otherSeed.cached).toBe(false);

    await host.ask({ kind: 'denoiser-train', ...digits, steps: 1, batch: 4, parameterization: 'eps', weighting: 'eps-mse' });
    const trained = await host.ask<DenoiserQuality>({ kind: 'denoiser-quality', ...digits, settings });
    expect(trained.cached).toBe(false);
    expect(trained.version).toBeGreaterThan(q.version);
  }, 120_000);

  it('stops on cancel between sampler steps', async () => {
    const { handle, replies, next } = setup();
    const id = next();
    const running = handle({ id, kind: 'denoiser-quality', ...digits, settings: { ...settings, perClass: 20, steps: 20 } } as Request);
    const sampled = () => replies.filter((r) => r.id === id && r.kind === 'progress' && (r.data as DenoiserQualityProgress).phase === 'sampling').length;
    await expect.poll(sampled, { timeout: 60_000, interval: 5 }).toBeGreaterThanOrEqual(2);
    await handle({ id, kind: 'cancel' });
    await running;
    expect(replies.filter((r) => r.id === id).at(-1)).toEqual({ id, kind: 'error', message: 'cancelled' });
    expect(sampled()).toBeLessThan(3 * 20 * 2);
  }, 90_000);

  it('refuses an unconditional model and bad settings with a message', async () => {
    const { ask } = setup();
    await expect(ask({ kind: 'denoiser-quality', model: 'patches', baseUrl, settings })).rejects.toThrow(/not a class-conditional digit model/);
    await expect(ask({ kind: 'denoiser-quality', ...digits, settings: { ...settings, perClass: 0 } })).rejects.toThrow(/samples per class must be a whole number/);
    await expect(ask({ kind: 'denoiser-quality', ...digits, settings: { ...settings, guidance: Number.NaN } })).rejects.toThrow(/guidance scale/);
  });
});
