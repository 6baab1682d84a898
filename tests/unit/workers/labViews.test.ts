// The lab's request to each model host, through the real handler on wasm with the shipped files: the noise levels
// of the digit denoiser, the step groups of the raster patch transformer and the depths of an RQ auto-encoder —
// gradients answered as a Gram matrix that sharpens batch by batch, transfer rows that leave the model as it was,
// reproducible by seed, no tensor growth.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../src/models/tfjsRegistrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { subtaskStats } from '../../../src/core/equivalence/gramStats';
import type { LabGradientsResult, LabProgress, LabTransferResult, PatchPrediction, Reply, Request } from '../../../src/protocol';
import { baseUrl, fileFetch, harness, PUBLIC, startWasm } from './hostHarness';

const has = (p: string) => existsSync(`${PUBLIC}models/${p}`);

function setup() {
  return harness({
    denoiser: { fetch: fileFetch(), heldoutLimit: 64 },
    patchModel: { fetch: fileFetch(), heldoutLimit: 64 },
    rqaeModel: { fetch: fileFetch(), heldoutLimit: 64 },
  });
}

beforeAll(() => startWasm(true));

const raster = { ordering: { kind: 'raster' as const }, baseUrl };

describe.runIf(has('diffusion/digits/model.json'))('noise levels (digit denoiser)', () => {
  it('sends a Gram matrix after every batch and answers the final one, reproducibly, without tensor growth', async () => {
    const { handle, replies, next, ask } = setup();
    const settings = { measure: 'gradients' as const, k: 3, batch: 12, batches: 2, seed: 5 };
    const id = next();
    await handle({ id, kind: 'denoiser-lab', model: 'digits', baseUrl, settings } as Request);
    const last = replies.filter((r) => r.id === id).at(-1) as Extract<Reply, { kind: 'result' }>;
    const out = last.result as LabGradientsResult;
    expect(out).toMatchObject({ decomposition: 'noise', measure: 'gradients', k: 3, batches: 2, stepsTrainedHere: 0 });
    expect(out.subtasks).toEqual(['λ -6.67', 'λ 0.00', 'λ 6.67']);
    expect(out.gram).toHaveLength(81);
    expect(out.weightings.map((w) => w.id)).toEqual(['uniform', 'training', 'min-snr']);
    const sharpening = replies.filter((r) => r.id === id && r.kind === 'progress' && (r.data as LabProgress | undefined)?.gram).map((r) => (r as { data: LabProgress }).data.batches);
    expect(sharpening).toEqual([1, 2]);
    const stats = subtaskStats(out.gram, 3);
    expect([...stats.norms].every((n) => n > 0)).toBe(true);
    const tensors = tf.memory().numTensors;
    const again = await ask<LabGradientsResult>({ kind: 'denoiser-lab', model: 'digits', baseUrl, settings });
    expect(Array.from(again.gram)).toEqual(Array.from(out.gram));
    expect(tf.memory().numTensors).toBe(tensors);
  }, 180_000);
});

describe.runIf(has('patch-ar/raster/model.json'))('patch steps (raster transformer)', () => {
  it('groups row starts against mid-row, and a transfer run leaves the model predicting exactly as before', async () => {
    const { ask } = setup();
    const grads = await ask<LabGradientsResult>({ kind: 'patch-model-lab', ...raster, settings: { measure: 'gradients', k: 2, batch: 8, batches: 1, seed: 1, grouping: 'row-starts' } });
    expect(grads.subtasks).toEqual(['row starts (7 steps)', 'mid-row (42 steps)']);
    expect(grads.weightings.find((w) => w.id === 'training')!.weights).toEqual([7 / 49, 42 / 49]);
    const before = await ask<PatchPrediction>({ kind: 'patch-model-predict', ...raster, digit: 2 });
    const tensors = tf.memory().numTensors;
    const transfer = await ask<LabTransferResult>({ kind: 'patch-model-lab', ...raster, settings: { measure: 'transfer', k: 7, batch: 8, steps: 2, lr: 1e-3, seed: 1 } });
    expect(transfer.subtasks[0]).toBe('steps 1–7');
    expect(transfer.before).toHaveLength(7);
    expect(transfer.after).toHaveLength(8);
    expect(transfer.heldout).toBe(64);
    const after = await ask<PatchPrediction>({ kind: 'patch-model-predict', ...raster, digit: 2 });
    expect(Array.from(after.predictions)).toEqual(Array.from(before.predictions));
    expect(tf.memory().numTensors).toBe(tensors);
  }, 180_000);
});

describe.runIf(has('rqae/summed-d4/model.json'))('depths (RQ auto-encoder)', () => {
  it('measures one sub-task per depth with the two objectives as weightings, and refuses another K', async () => {
    const { ask } = setup();
    const target = { model: 'summed-d4', baseUrl };
    const out = await ask<LabGradientsResult>({ kind: 'rqae-lab', ...target, settings: { measure: 'gradients', k: 4, batch: 8, batches: 1, seed: 2 } });
    expect(out.subtasks).toEqual(['depth 1', 'depth 2', 'depth 3', 'depth 4']);
    expect(out.weightings.map((w) => [w.id, w.weights])).toEqual([['summed', [1, 1, 1, 1]], ['full', [0, 0, 0, 1]]]);
    await expect(ask({ kind: 'rqae-lab', ...target, settings: { measure: 'gradients', k: 3, batch: 8, batches: 1, seed: 2 } })).rejects.toThrow(/K = 4/);
    await expect(ask({ kind: 'rqae-lab', ...target, settings: { measure: 'gradients', k: 4, batch: 7, batches: 1, seed: 2 } })).rejects.toThrow(/even/);
  }, 180_000);
});

describe.runIf(has('diffusion/digits-early/model.json'))('the early-training checkpoint', () => {
  it('loads as its own model with the 500 steps it was trained for, and is measured by the lab', async () => {
    const { ask } = setup();
    const out = await ask<LabGradientsResult>({ kind: 'denoiser-lab', model: 'digits-early', baseUrl, settings: { measure: 'gradients', k: 2, batch: 8, batches: 1, seed: 1 } });
    expect(out.label).toMatch(/early checkpoint \(500 steps\)/);
    const status = await ask<{ trainedSteps: number | null }>({ kind: 'denoiser-load', model: 'digits-early', baseUrl });
    expect(status.trainedSteps).toBe(500);
  }, 120_000);
});
