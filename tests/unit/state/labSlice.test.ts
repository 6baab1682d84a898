import { describe, expect, it } from 'vitest';
import { decodeView, encodeView } from '../../../src/state/hash';
import { encodeSlice } from '../../../src/state/codec';
import { labDefaults, labLink } from '../../../src/state/labSlice';
import { createAppStore } from '../../../src/state/store';
import { viewOf } from '../../../src/state/urlSync';

describe('the Equivalence lab in the URL hash', () => {
  it('round-trips K, the batch and the noise seed through a link, and carries nothing else of the lab', () => {
    const store = createAppStore();
    store.getState().setLab({ k: 11, batch: 8, seed: 123456 });
    const hash = encodeView(viewOf(store.getState()));
    expect(hash).toContain('v=1');
    const params = new URLSearchParams(hash);
    expect([params.get('eqk'), params.get('eqbatch'), params.get('eqseed')]).toEqual(['11', '8', '123456']);
    expect(Object.keys(encodeSlice(labLink, labDefaults))).toEqual(['eqk', 'eqbatch', 'eqseed']);
    const { view, problems } = decodeView(`#${hash}`);
    expect(view.lab).toEqual({ k: 11, batch: 8, seed: 123456 });
    expect(problems).toEqual([]);
  });

  it('opens older links (without lab keys) on the defaults, silently', () => {
    const { view, problems } = decodeView('#v=1&img=coffee&size=64');
    expect(view.lab).toEqual(labDefaults);
    expect(labDefaults).toEqual({ k: 8, batch: 32, seed: 1 });
    expect(problems).toEqual([]);
  });

  it('replaces unreadable values by the defaults and clamps out-of-range ones, saying so', () => {
    const bad = decodeView('#v=1&eqk=abc&eqbatch=33&eqseed=x');
    expect(bad.view.lab).toEqual(labDefaults);
    expect(bad.problems).toHaveLength(3);
    expect(bad.problems.join(' ')).toMatch(/eqk=abc.*eqbatch=33.*eqseed=x/);
    const out = decodeView('#v=1&eqk=99&eqseed=-5&eqbatch=');
    expect(out.view.lab).toEqual({ k: 12, batch: 32, seed: 0 });
    expect(out.problems).toHaveLength(3);
    expect(decodeView('#v=1&eqk=2').view.lab.k).toBe(4);
    expect(decodeView('#v=1&eqk=6.4').view.lab.k).toBe(6);
    expect(decodeView('#v=1&eqbatch=<script>').view.lab.batch).toBe(32);
  });

  it('ignores the lab keys of a link from a newer version, as the rest of the view', () => {
    const { view, problems } = decodeView('#v=2&eqk=5');
    expect(view.lab).toEqual(labDefaults);
    expect(problems[0]).toMatch(/newer version/);
  });
});
