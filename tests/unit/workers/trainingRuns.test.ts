// Training runs through the model worker's real handler (the RQ auto-encoder host, on wasm, shipped files from
// public/), with runs stored in memory in place of IndexedDB: a run is stored while it trains and when it stops;
// a "reloaded" worker offers it, puts it back and continues the same loss curve from the same weights. Storage
// faults each leave training working and say what happened: a full storage, no storage at all, a stored run or a
// saved copy that no longer fits the model.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deserialize, serialize } from '../../../src/models/rqae';
import { indexedDbCheckpoints, memoryCheckpoints, type CheckpointStore } from '../../../src/models/trainingCheckpoint';
import { STORE_EVERY } from '../../../src/workers/hosts/modelHost';
import type { RqaeModelStorage } from '../../../src/workers/hosts/rqaeModel';
import type { RqaeModelStatus, RqaeReconstruction, RqaeTrainProgress, RqaeTrainResult } from '../../../src/protocol';
import { baseUrl, fileFetch, harness, memoryStorage, PUBLIC, startWasm } from './hostHarness';

const shipped = ['summed-d4', 'summed-d8'].every((k) => existsSync(`${PUBLIC}models/rqae/${k}/model.json`));
const target = { model: 'summed-d4', baseUrl };

function setup(checkpoints: CheckpointStore, storage: RqaeModelStorage = memoryStorage({ serialize, deserialize })) {
  return harness({ rqaeModel: { fetch: fileFetch(), storage, heldoutLimit: 8, checkpoints } });
}

const progressOf = (h: ReturnType<typeof setup>) => h.replies.flatMap((r) => (r.kind === 'progress' && r.data && 'loss' in (r.data as object) ? [r.data as RqaeTrainProgress] : []));

beforeAll(() => startWasm(true));

describe.skipIf(!shipped)('training runs stored in this browser', () => {
  it('are stored every STORE_EVERY steps and at a stop, and after a reload resume the same run: losses, step count and weights', { timeout: 120_000 }, async () => {
    const checkpoints = memoryCheckpoints();
    const first = setup(checkpoints);
    await first.ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    const steps = STORE_EVERY + 4;
    const trained = await first.ask<RqaeTrainResult>({ kind: 'rqae-train', ...target, steps, batch: 4 });
    expect(trained.losses).toHaveLength(steps);
    // The periodic checkpoint was announced while the run went on.
    await expect.poll(() => progressOf(first).some((p) => p.checkpointStep === STORE_EVERY)).toBe(true);
    const before = await first.ask<RqaeReconstruction>({ kind: 'rqae-reconstruct', ...target, digit: 3 });

    // A reload: a new worker, the same browser storage.
    const second = setup(checkpoints);
    const loaded = await second.ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    expect(loaded.losses).toEqual([]);
    expect(loaded.checkpoint).toMatchObject({ stored: { step: steps, batch: 4 }, unavailable: null, note: null });
    const resumed = await second.ask<RqaeModelStatus>({ kind: 'rqae-resume', ...target });
    expect(resumed.losses).toEqual(trained.losses);
    expect(resumed.version).not.toBe(loaded.version);
    const after = await second.ask<RqaeReconstruction>({ kind: 'rqae-reconstruct', ...target, digit: 3 });
    expect(Array.from(after.reconstructions)).toEqual(Array.from(before.reconstructions));

    const more = await second.ask<RqaeTrainResult>({ kind: 'rqae-train', ...target, steps: 2, batch: 4 });
    expect(more.losses).toHaveLength(steps + 2);
    expect(more.losses.slice(0, steps)).toEqual(trained.losses);
    expect(progressOf(second).map((p) => p.step)).toEqual([steps + 1, steps + 2]);

    // Discarding deletes it: the next visit offers nothing.
    const discarded = await second.ask<RqaeModelStatus>({ kind: 'rqae-discard', ...target });
    expect(discarded.checkpoint.stored).toBeNull();
    expect(checkpoints.keys).toEqual([]);
  });

  it('keep training going when the storage is full, and say the checkpoint was not saved', { timeout: 60_000 }, async () => {
    const h = setup(memoryCheckpoints({ quotaBytes: 1000 }));
    await h.ask({ kind: 'rqae-load', ...target });
    const trained = await h.ask<RqaeTrainResult>({ kind: 'rqae-train', ...target, steps: 3, batch: 4 });
    expect(trained.losses).toHaveLength(3);
    const status = await h.ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    expect(status.checkpoint.stored).toBeNull();
    expect(status.checkpoint.note).toMatch(/checkpoint of step 3 was not saved: this site's storage in the browser is full.*Training goes on/);
    // And a save into a full store fails with the same plain words.
    const full: RqaeModelStorage = { has: async () => false, load: async () => { throw new Error('none'); }, remove: async () => {}, save: async () => { throw new DOMException('quota', 'QuotaExceededError'); } };
    const saving = setup(memoryCheckpoints(), full);
    await saving.ask({ kind: 'rqae-load', ...target });
    await expect(saving.ask({ kind: 'rqae-save', ...target })).rejects.toThrow(/not saved in this browser: this site's storage in the browser is full.*weights in memory are unchanged/);
  });

  it('are not offered where IndexedDB is unavailable (a private window), and training still works', { timeout: 60_000 }, async () => {
    const h = setup(indexedDbCheckpoints(undefined));
    const loaded = await h.ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    expect(loaded.checkpoint.stored).toBeNull();
    expect(loaded.checkpoint.unavailable).toMatch(/private window.*cannot be resumed after a reload/);
    const trained = await h.ask<RqaeTrainResult>({ kind: 'rqae-train', ...target, steps: 2, batch: 4 });
    expect(trained.losses).toHaveLength(2);
    expect(progressOf(h).every((p) => p.checkpointStep === undefined && p.checkpointError === undefined)).toBe(true);
  });

  it('that no longer fit the model are deleted with a message, and the model keeps the shipped weights', { timeout: 60_000 }, async () => {
    // A run stored for another shape of the model (as after an update of the app).
    const checkpoints = memoryCheckpoints();
    const d8 = setup(checkpoints);
    await d8.ask({ kind: 'rqae-load', model: 'summed-d8', baseUrl });
    await d8.ask({ kind: 'rqae-train', model: 'summed-d8', baseUrl, steps: 1, batch: 4 });
    const stored = (await checkpoints.get('rqae-summed-d8'))!;
    await checkpoints.put({ ...stored, key: 'rqae-summed-d4', shapes: stored.shapes.map(([n, s]) => [n, n === 'codebook' ? [s[0] + 1, s[1]] : s]) });
    const h = setup(checkpoints);
    const loaded = await h.ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    expect(loaded).toMatchObject({ source: 'shipped', checkpoint: { stored: null } });
    expect(loaded.checkpoint.note).toMatch(/stored in this browser \(step 1\) no longer fits this model \(codebook is .*\); it was deleted/);
    expect(await checkpoints.summary('rqae-summed-d4')).toBeNull();

    // A run whose summary fits but whose tensors do not: Resume refuses it the same way, changing nothing.
    await h.ask({ kind: 'rqae-train', ...target, steps: 1, batch: 4 });
    const mine = (await checkpoints.get('rqae-summed-d4'))!;
    await checkpoints.put({ ...mine, weights: mine.weights.map((w) => (w.name === 'codebook' ? { ...w, shape: [w.shape[1], w.shape[0]] } : w)) });
    const reloaded = setup(checkpoints);
    const offered = await reloaded.ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    expect(offered.checkpoint.stored?.step).toBe(1);
    const refused = await reloaded.ask<RqaeModelStatus>({ kind: 'rqae-resume', ...target });
    expect(refused.losses).toEqual([]);
    expect(refused.version).toBe(offered.version);
    expect(refused.checkpoint).toMatchObject({ stored: null, note: expect.stringMatching(/no longer fits this model \(codebook is .*\); it was deleted/) });
  });

  it('a saved copy that no longer fits the model is deleted with a message, and the shipped weights load', { timeout: 60_000 }, async () => {
    const storage = memoryStorage({ serialize, deserialize });
    const d8 = setup(memoryCheckpoints(), storage);
    await d8.ask({ kind: 'rqae-load', model: 'summed-d8', baseUrl });
    await d8.ask({ kind: 'rqae-save', model: 'summed-d8', baseUrl });
    storage.items.set('summed-d4', storage.items.get('summed-d8')!);
    const h = setup(memoryCheckpoints(), storage);
    const loaded = await h.ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    expect(loaded).toMatchObject({ source: 'shipped', saved: false, depth: 4 });
    expect(loaded.note).toMatch(/copy saved in this browser is for another model; it was deleted, and the shipped weights are loaded/);
    expect(storage.items.has('summed-d4')).toBe(false);
  });
});
