// Cancelling a lab measurement of the shipped digit denoiser at any moment: the worker stops at the next gradient
// (or training step), answers "cancelled", leaves no tensor behind and the model predicting exactly as before,
// and serves the next request.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DenoiserPrediction, LabGradientsResult, LabSettings, Reply, Request } from '../../../src/protocol';
import { baseUrl, fileFetch, harness, PUBLIC, startWasm } from './hostHarness';

const hasDigits = existsSync(`${PUBLIC}models/diffusion/digits/model.json`);
const digits = { model: 'digits' as const, baseUrl };
const progressOf = (replies: Reply[], id: number, phase: string) =>
  replies.filter((r) => r.id === id && r.kind === 'progress' && (r.data as { phase?: string } | undefined)?.phase === phase);

beforeAll(() => startWasm(true));

describe.skipIf(!hasDigits)('cancelling a lab measurement (shipped digit denoiser)', () => {
  const cases: [string, LabSettings, string][] = [
    ['gradients', { measure: 'gradients', k: 8, batch: 16, batches: 8, seed: 1 }, 'gradients'],
    ['transfer', { measure: 'transfer', k: 4, batch: 8, steps: 20, lr: 1e-3, seed: 1 }, 'transfer'],
  ];
  it.each(cases)('stops the %s at the next step, frees its tensors, leaves the model as it was and serves the next request', async (_name, settings, phase) => {
    const { ask, handle, replies, next } = harness({ denoiser: { fetch: fileFetch(), heldoutLimit: 40 } });
    const predict = () => ask<DenoiserPrediction>({ kind: 'denoiser-predict', ...digits, heldout: 0, level: { alpha: 0.8, sigma: 0.6 }, seed: 1 });
    const before = await predict(); // the model in memory, so only the measurement is under way
    const tensors = tf.memory().numTensors;
    const id = next();
    const running = handle({ id, kind: 'denoiser-lab', ...digits, settings } as Request);
    await expect.poll(() => progressOf(replies, id, phase).length, { timeout: 60_000, interval: 2 }).toBeGreaterThanOrEqual(2);
    await handle({ id, kind: 'cancel' });
    await running;
    const mine = replies.filter((r) => r.id === id);
    expect(mine.at(-1)).toEqual({ id, kind: 'error', message: 'cancelled' });
    expect(mine.some((r) => r.kind === 'result')).toBe(false);
    expect(progressOf(replies, id, phase).length).toBeLessThan(8); // it stopped soon after, not at the end
    expect(tf.memory().numTensors).toBe(tensors);
    const after = await predict();
    expect(Array.from(after.x0hat)).toEqual(Array.from(before.x0hat));
    const out = await ask<LabGradientsResult>({ kind: 'denoiser-lab', ...digits, settings: { measure: 'gradients', k: 2, batch: 8, batches: 1, seed: 1 } });
    expect(out.k).toBe(2);
  }, 180_000);
});
