// A training run stored in the browser and put back after a reload must be the same run: the weights and Adam's
// state bit for bit, the loss history, and from there the very steps the uninterrupted run takes. A stored run
// that no longer fits the model is refused without touching it, and a full storage is said as such.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPatchAR, dispose } from '../../../src/models/patchAR/model';
import { createTrainer } from '../../../src/models/patchAR/train';
import {
  captureCheckpoint, checkpointBytes, CheckpointMismatchError, indexedDbCheckpoints, isQuotaError, memoryCheckpoints, restoreCheckpoint, storageFailure,
  StorageUnavailableError,
} from '../../../src/models/trainingCheckpoint';
import { TINY, randomTokens } from './patchAR/setup';
import { useWasm } from './rqae/setup';
import type { PatchARConfig } from '../../../src/models/patchAR/model';

beforeAll(useWasm);

const SCHEDULE = { lr: 3e-3, warmup: 2, total: 100, minLr: 1e-4 };
const order = Int32Array.from({ length: TINY.rows * TINY.cols }, (_, i) => i);

/** A tiny patch transformer and its trainer, whose batch k (counted from `from`) is seeded by k: two runs see the same data. */
function run(seed: number, from = 0, config: PatchARConfig = TINY) {
  const model = createPatchAR(config, seed);
  let k = from;
  const trainer = createTrainer(model, { order, batchSize: 4, schedule: SCHEDULE, source: (b) => randomTokens(config, b, 1000 + k++) });
  return { model, trainer };
}

const values = (params: Record<string, tf.Variable>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.from(v.dataSync())]));
const spec = { key: 'patch-ar-test', batch: 4, schedule: SCHEDULE, settings: { note: 'kept' } };

describe('a stored training run', () => {
  it('comes back bit for bit (weights, Adam moments and products, losses) and continues exactly as the uninterrupted run', async () => {
    const a = run(1);
    await a.trainer.run(7);
    const store = memoryCheckpoints();
    const stored = await captureCheckpoint(spec, a.model.params, a.trainer);
    await store.put(stored);
    expect(await store.summary(spec.key)).toMatchObject({ step: 7, batch: 4, schedule: SCHEDULE, settings: { note: 'kept' } });
    await a.trainer.run(3);

    // After the "reload": another model (other initial weights), a fresh trainer, the stored run put back.
    const b = run(2, 7);
    const back = (await store.get(spec.key))!;
    restoreCheckpoint(back, b.model.params, b.trainer);
    for (const w of stored.weights) expect(Array.from(b.model.params[w.name].dataSync())).toEqual(Array.from(w.values));
    const state = await b.trainer.readState();
    expect(state.losses).toEqual(a.trainer.losses.slice(0, 7));
    expect(state.accBeta).toEqual(stored.state.accBeta);
    expect(state.moments.map((m) => Array.from(m.values))).toEqual(stored.state.moments.map((m) => Array.from(m.values)));
    expect(state.moments).toHaveLength(2 * Object.keys(b.model.params).length);

    await b.trainer.run(3);
    expect(b.trainer.steps).toBe(10);
    expect(b.trainer.losses).toEqual(a.trainer.losses);
    expect(values(b.model.params)).toEqual(values(a.model.params));
    [a, b].forEach((r) => {
      r.trainer.dispose();
      dispose(r.model);
    });
  });

  it('is refused, changing nothing, by a model whose parameters have other shapes, and by moments that do not fit', async () => {
    const a = run(1);
    await a.trainer.run(2);
    const stored = await captureCheckpoint(spec, a.model.params, a.trainer);
    const other = run(3, 0, { ...TINY, dModel: 8 });
    const before = values(other.model.params);
    expect(() => restoreCheckpoint(stored, other.model.params, other.trainer)).toThrow(CheckpointMismatchError);
    expect(() => restoreCheckpoint(stored, other.model.params, other.trainer)).toThrow(/is .* in the model, .* in the stored run/);
    expect(values(other.model.params)).toEqual(before);
    expect(other.trainer.steps).toBe(0);

    const same = run(4);
    const weightsBefore = values(same.model.params);
    const lostMoments = { ...stored, state: { ...stored.state, moments: stored.state.moments.slice(1) } };
    expect(() => restoreCheckpoint(lostMoments, same.model.params, same.trainer)).toThrow(CheckpointMismatchError);
    expect(values(same.model.params)).toEqual(weightsBefore);
    expect(same.trainer.steps).toBe(0);
    [a, other, same].forEach((r) => {
      r.trainer.dispose();
      dispose(r.model);
    });
  });

  it('that does not fit in the storage quota fails as a full storage, and nothing half-written stays', async () => {
    const a = run(1);
    await a.trainer.run(1);
    const stored = await captureCheckpoint(spec, a.model.params, a.trainer);
    const store = memoryCheckpoints({ quotaBytes: checkpointBytes(stored) - 1 });
    const error = await store.put(stored).then(() => null, (e: unknown) => e);
    expect(isQuotaError(error)).toBe(true);
    expect(storageFailure(error)).toMatch(/storage in the browser is full/);
    expect(await store.summary(spec.key)).toBeNull();
    a.trainer.dispose();
    dispose(a.model);
  });

  it('cannot be stored where there is no IndexedDB, and says why', async () => {
    const store = indexedDbCheckpoints(undefined);
    const error = await store.summary('any').then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(storageFailure(error)).toMatch(/cannot be resumed after a reload/);
  });
});
