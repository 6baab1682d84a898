import { describe, expect, it } from 'vitest';
import { decodeView, encodeView } from '../../../src/state/hash';
import { labDefaults, labModelChoice, labViewPatch, labViewSettings } from '../../../src/state/labSlice';
import { createAppStore } from '../../../src/state/store';
import { viewOf } from '../../../src/state/urlSync';

describe('the Equivalence lab in the URL hash', () => {
  it('round-trips every view’s settings through a link', () => {
    const store = createAppStore();
    store.getState().setLab({
      ...labViewPatch('noise', { model: 'patches', k: 11, batch: 8, batches: 3, seed: 123456, steps: 20, lr: 3e-3, transferBatch: 16 }),
      ...labViewPatch('patch', { model: 'crops-raster', grouping: 'row-starts', k: 5, batch: 128, batches: 2, seed: 4, steps: 7, lr: 1e-4, transferBatch: 64 }),
      ...labViewPatch('depth', { model: 'summed-d16', batch: 16, batches: 12, seed: 9, steps: 30, lr: 1e-2, transferBatch: 8 }),
    });
    const hash = encodeView(viewOf(store.getState()));
    const params = new URLSearchParams(hash);
    expect([params.get('eqk'), params.get('eqbatch'), params.get('eqseed'), params.get('eqmodel'), params.get('eqlr')]).toEqual(['11', '8', '123456', 'patches', '0.003']);
    expect([params.get('eqpmodel'), params.get('eqpgroup'), params.get('eqdmodel'), params.get('eqdbatches')]).toEqual(['crops-raster', 'row-starts', 'summed-d16', '12']);
    const { view, problems } = decodeView(`#${hash}`);
    expect(problems).toEqual([]);
    expect(view.lab).toEqual(store.getState().lab);
    expect(labViewSettings(view.lab, 'noise')).toEqual({ model: 'patches', k: 11, grouping: 'equal', batch: 8, batches: 3, seed: 123456, steps: 20, lr: 3e-3, transferBatch: 16 });
    // Row starts against mid-row are two sub-tasks, whatever the K of equal groups; a depth model's K is its depth.
    expect(labViewSettings(view.lab, 'patch')).toMatchObject({ model: 'crops-raster', grouping: 'row-starts', k: 2 });
    expect(labViewSettings(view.lab, 'depth')).toMatchObject({ model: 'summed-d16', k: 16, grouping: 'equal' });
  });

  it('opens older links (without lab keys) on the defaults, silently, and reads the first view’s old keys as the noise view’s', () => {
    const { view, problems } = decodeView('#v=1&img=coffee&size=64');
    expect(view.lab).toEqual(labDefaults);
    expect(problems).toEqual([]);
    expect(labViewSettings(labDefaults, 'noise')).toEqual({ model: 'digits', k: 8, grouping: 'equal', batch: 256, batches: 6, seed: 1, steps: 10, lr: 1e-4, transferBatch: 32 });
    expect(labViewSettings(labDefaults, 'patch')).toMatchObject({ model: 'raster', k: 7, grouping: 'equal', batch: 64, batches: 12, lr: 1e-5 });
    expect(labViewSettings(labDefaults, 'depth')).toMatchObject({ model: 'summed-d8', k: 8, batch: 64, batches: 12, lr: 1e-5 });
    const old = decodeView('#v=1&eqk=4&eqbatch=8&eqseed=5');
    expect(old.problems).toEqual([]);
    expect(labViewSettings(old.view.lab, 'noise')).toMatchObject({ k: 4, batch: 8, seed: 5 });
  });

  it('replaces unreadable values by the defaults and clamps out-of-range ones, saying so', () => {
    const bad = decodeView('#v=1&eqk=abc&eqbatch=33&eqseed=x');
    expect(bad.view.lab).toEqual(labDefaults);
    expect(bad.problems).toHaveLength(3);
    expect(bad.problems.join(' ')).toMatch(/eqk=abc.*eqbatch=33.*eqseed=x/);
    const out = decodeView('#v=1&eqk=99&eqseed=-5&eqbatch=');
    expect(out.view.lab).toMatchObject({ noiseK: 16, noiseBatch: 256, noiseSeed: 0 });
    expect(out.problems).toHaveLength(3);
    expect(decodeView('#v=1&eqk=1').view.lab.noiseK).toBe(2);
    expect(decodeView('#v=1&eqk=6.4').view.lab.noiseK).toBe(6);
    expect(decodeView('#v=1&eqbatch=<script>').view.lab.noiseBatch).toBe(256);
  });

  it('keeps row starts to the raster orders, saying so', () => {
    const { view, problems } = decodeView('#v=1&eqpmodel=hilbert&eqpgroup=row-starts');
    expect(view.lab).toMatchObject({ patchModel: 'hilbert', patchGrouping: 'equal' });
    expect(problems).toEqual(['“row starts against mid-row” needs a raster order, not hilbert; using equal groups.']);
  });

  it('ignores the lab keys of a link from a newer version, as the rest of the view', () => {
    const { view, problems } = decodeView('#v=2&eqk=5');
    expect(view.lab).toEqual(labDefaults);
    expect(problems[0]).toMatch(/newer version/);
  });
});

describe('the measurements of this page', () => {
  it('are kept in the store with increasing ids and are not in the link', () => {
    const store = createAppStore();
    const before = encodeView(viewOf(store.getState()));
    store.getState().addLabRun({ view: 'noise', model: 'digits', grouping: 'equal', result: {} as never });
    store.getState().addLabRun({ view: 'depth', model: 'summed-d4', grouping: 'equal', result: {} as never });
    expect(store.getState().labRuns.map((r) => [r.id, r.view])).toEqual([[1, 'noise'], [2, 'depth']]);
    store.getState().setLabWeighting('noise', 'min-snr');
    expect(store.getState().labWeightings).toEqual({ noise: 'min-snr', patch: null, depth: null });
    expect(encodeView(viewOf(store.getState()))).toBe(before);
  });
});

describe('choosing a model in a lab view', () => {
  it('takes the batches measured for a slow model, and the view defaults back for any other', () => {
    expect(labModelChoice('noise', 'patches')).toEqual({ model: 'patches', batch: 64, batches: 3 });
    expect(labModelChoice('noise', 'digits')).toEqual({ model: 'digits', batch: 256, batches: 6 });
    expect(labModelChoice('depth', 'full-d16')).toEqual({ model: 'full-d16', batch: 64, batches: 4 });
    expect(labModelChoice('depth', 'summed-d8')).toEqual({ model: 'summed-d8', batch: 64, batches: 12 });
    expect(labModelChoice('patch', 'hilbert')).toEqual({ model: 'hilbert', batch: 64, batches: 12 });
  });
  it('gives only settings the link keeps, so the choice survives a reload', () => {
    const store = createAppStore();
    store.getState().setLab(labViewPatch('noise', labModelChoice('noise', 'patches')));
    const { view } = decodeView(`#${encodeView(viewOf(store.getState()))}`);
    expect(labViewSettings(view.lab, 'noise')).toMatchObject({ model: 'patches', batch: 64, batches: 3 });
  });
});
