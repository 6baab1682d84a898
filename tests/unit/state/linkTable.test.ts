// Every link key's tests, generated from the slices' tables: a key added to a table is tested here without
// further work (a key with a rule of its own needs its cases below).
import { describe, expect, it } from 'vitest';
import type { FieldRule, LinkField } from '../../../src/state/codec';
import { DEFAULT_POINTS } from '../../../src/state/diffusionSlice';
import { decodeView, defaultView, encodeView, HASH_VERSION, LINK_SLICES, SLICE_NAMES, type SliceName, type ViewState } from '../../../src/state/hash';
import { createAppStore } from '../../../src/state/store';
import { applyHash } from '../../../src/state/urlSync';

type View = Record<string, unknown>;
type Field = LinkField<unknown, View>;

const FIELDS = SLICE_NAMES.flatMap((slice) => Object.entries(LINK_SLICES[slice].fields as unknown as Record<string, Field>)
  .map(([prop, field]) => ({ slice, prop, field })));

/** A value read with a note (`noted`) or silently. */
type Bad = [raw: string, expected: unknown, noted: boolean];

/** Fields with a rule of their own: a valid value other than the default, and what other values become. */
const CUSTOM: Record<string, { valid: unknown; bad: Bad[] }> = {
  img: { valid: 'coffee', bad: [['<script>', 'astronaut', true], ['', 'astronaut', true], ['a'.repeat(41), 'astronaut', true], ['Cat', 'astronaut', true]] },
  nums: { valid: false, bad: [['yes', true, false], ['', true, false]] },
  cells: {
    valid: [5, 0, 40, 1000],
    bad: [['5.5.zz.-1.!', [5, 35 * 36 + 35], true], ['', [], false], ['1kxs', [], true]],
  },
  pts: {
    valid: [{ t: 0, logSnr: 8 }, { t: 0.4, logSnr: 1.25 }, { t: 1, logSnr: -9 }],
    bad: [
      ['1:-5_0:30_x:1', [{ t: 0, logSnr: 20 }, { t: 1, logSnr: -5 }], true],
      ['x', DEFAULT_POINTS, true], ['0:1', DEFAULT_POINTS, true], ['', DEFAULT_POINTS, true],
    ],
  },
};

/** What makes a conditionally written field written (the tour's claim: any value but the default). */
const CONTEXT: Record<string, View> = { cells: { ordering: 'custom' }, pts: { schedule: 'custom' }, claim: {} };

/** Valid values other than the default, from the rule. */
function validValues(rule: FieldRule, fallback: unknown, key: string): unknown[] {
  switch (rule.kind) {
    case 'int': return [rule.min, rule.max].filter((v) => v !== fallback);
    case 'real': return [rule.min, rule.max, Number((rule.min + 10 ** -rule.decimals).toFixed(rule.decimals))].filter((v) => v !== fallback);
    case 'choice': return rule.choices.filter((v) => v !== fallback);
    case 'custom': return [CUSTOM[key].valid];
  }
}

/** Values that are replaced or changed, from the rule: unreadable → the default, out of range → clamped. */
function badValues(rule: FieldRule, fallback: unknown, key: string): Bad[] {
  switch (rule.kind) {
    case 'int': return [
      ['abc', fallback, true], ['NaN', fallback, true], ['Infinity', fallback, true],
      [String(rule.max + 1), rule.max, true], [String(rule.min - 1), rule.min, true], [String(rule.min + 0.4), rule.min, true],
    ];
    case 'real': return [
      ['abc', fallback, true], [' ', fallback, true], ['', fallback, true],
      [String(rule.max + 1), rule.max, true], [String(rule.min - 1), rule.min, true],
      // Digits beyond the field's precision are rounded away silently.
      [String(rule.min + 10 ** -(rule.decimals + 1)), rule.min, false],
    ];
    case 'choice': return [['not-a-choice', fallback, true], ['', fallback, true], [`${String(rule.choices[0])} `, fallback, true]];
    case 'custom': return CUSTOM[key].bad;
  }
}

function viewWith(slice: SliceName, patch: View): ViewState {
  const view = defaultView();
  return { ...view, [slice]: { ...view[slice], ...patch } };
}

const link = (key: string, raw: string) => `v=${HASH_VERSION}&${new URLSearchParams([[key, raw]])}`;

for (const { slice, prop, field } of FIELDS) describe(`link key “${field.key}” (${slice}.${prop})`, () => {
  const { key, codec } = field;
  const context = field.when ? CONTEXT[key] : {};

  it('round-trips its default, silently', () => {
    expect(codec.parse(codec.format(field.default), key, field.default)).toEqual({ value: field.default });
    expect(decodeView(link(key, codec.format(field.default)))).toEqual({ view: defaultView(), problems: [] });
    const view = viewWith(slice, context);
    const written = new URLSearchParams(encodeView(view)).get(key);
    // A conditional key may leave its default out: a missing key reads as the default.
    if (field.when && !field.when(view[slice] as unknown as View)) expect(written).toBeNull();
    else expect(written).toBe(codec.format(field.default));
    expect(decodeView(encodeView(view))).toEqual({ view, problems: [] });
  });

  it('round-trips valid values other than the default', () => {
    const values = validValues(codec.rule, field.default, key);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      const view = viewWith(slice, { ...context, [prop]: value });
      if (field.when) expect(field.when(view[slice] as unknown as View), 'CONTEXT makes the key written').toBe(true);
      const hash = encodeView(view);
      expect(new URLSearchParams(hash).get(key)).toBe(codec.format(value));
      expect(decodeView(hash)).toEqual({ view, problems: [] });
    }
  });

  it('replaces or clamps other values as its rule says, with a notice when it changed one', () => {
    for (const [raw, expected, noted] of badValues(codec.rule, field.default, key)) {
      const { view, problems } = decodeView(link(key, raw));
      expect(view, `${key}=${raw}`).toEqual(viewWith(slice, { [prop]: expected }));
      expect(problems, `${key}=${raw}`).toHaveLength(noted ? 1 : 0);
      if (noted && codec.rule.kind !== 'custom') expect(problems[0]).toContain(`“${key}=${raw}”`);
      const store = createAppStore();
      applyHash(store, `#${link(key, raw)}`);
      expect(store.getState().ui.notices.map((n) => [n.kind, n.text])).toEqual(noted ? [['info', `Part of this link could not be used. ${problems[0]}`]] : []);
    }
  });
});

describe('the link tables', () => {
  const keys = FIELDS.map((f) => f.field.key);

  it('declare each key once, across all slices, and leave the version key alone', () => {
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain('v');
  });

  it('are the only source of the keys in a link: a view with every key written has exactly the tables’ keys', () => {
    // Every field at a value other than its default, with the conditional ones' conditions met.
    const full = defaultView() as unknown as Record<SliceName, View>;
    for (const { slice, prop, field } of FIELDS) full[slice] = { ...full[slice], [prop]: validValues(field.codec.rule, field.default, field.key)[0] };
    for (const { slice, field } of FIELDS) full[slice] = { ...full[slice], ...CONTEXT[field.key] };
    const written = [...new URLSearchParams(encodeView(full as unknown as ViewState)).keys()];
    expect(written[0]).toBe('v');
    expect(written.slice(1).sort()).toEqual([...keys].sort());
  });

  it('give every field with a rule of its own its test cases, and every conditional field the view that writes it', () => {
    const customKeys = FIELDS.filter((f) => f.field.codec.rule.kind === 'custom').map((f) => f.field.key);
    expect(customKeys.sort()).toEqual(Object.keys(CUSTOM).sort());
    expect(FIELDS.filter((f) => f.field.when).map((f) => f.field.key).sort()).toEqual(Object.keys(CONTEXT).sort());
  });

  it('write the link format as before, key for key and in the same order', () => {
    expect(encodeView(defaultView())).toBe(
      'v=1&img=astronaut&size=128&order=raster&patch=16&step=20&seed=0&nums=1&stat=copy&dview=bitplanes&bits=4&border=lsb&d=3&space=ycbcr'
      + '&qstep=4&rqp=4&rqk=64&rqd=4&t=0.500&sched=cosine&shift=3.00&dseed=0&target=eps&weight=min-snr&gamma=5&dnmodel=digits-unet&dnheld=0'
      + '&dnlabel=-1&dnsampler=ddim&dnsteps=20&dnseed=0&dncount=9&dnclass=3&dnguide=2.0&dnglo=0.002&dnghi=100&eqk=8&eqbatch=256&eqseed=1'
      + '&eqmodel=digits&eqbatches=6&eqsteps=10&eqlr=0.0001&eqtbatch=32&eqpmodel=raster&eqpgroup=equal&eqpk=7&eqpbatch=64&eqpbatches=12'
      + '&eqpseed=1&eqpsteps=10&eqplr=0.00001&eqptbatch=32&eqdmodel=summed-d8&eqdbatch=64&eqdbatches=12&eqdseed=1&eqdsteps=10&eqdlr=0.00001&eqdtbatch=32',
    );
    const full = 'v=1&img=coffee&size=256&order=custom&patch=8&step=33&seed=9&nums=0&stat=linear&cells=5.0.14.rs&dview=rq&bits=7'
      + '&border=interleaved&d=2&space=rgb&qstep=9&rqp=8&rqk=256&rqd=12&t=0.123&sched=custom&shift=2.50&dseed=4&target=v&weight=edm&gamma=3'
      + '&dnmodel=patches&dnheld=17&dnlabel=10&dnsampler=euler&dnsteps=250&dnseed=42&dncount=16&dnclass=7&dnguide=3.5&dnglo=0.28&dnghi=5.42'
      + '&pts=0%3A8_0.4%3A1.25_1%3A-9&eqk=5&eqbatch=8&eqseed=77&eqmodel=patches&eqbatches=3&eqsteps=25&eqlr=0.0003&eqtbatch=16'
      + '&eqpmodel=crops-raster&eqpgroup=row-starts&eqpk=12&eqpbatch=128&eqpbatches=2&eqpseed=0&eqpsteps=1&eqplr=0.01&eqptbatch=256'
      + '&eqdmodel=full-d8&eqdbatch=16&eqdbatches=64&eqdseed=3&eqdsteps=200&eqdlr=0.0001&eqdtbatch=64';
    const { view, problems } = decodeView(full);
    expect(problems).toEqual([]);
    expect(encodeView(view)).toBe(full);
  });
});
