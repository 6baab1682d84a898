// Property-based fuzzing of every link key, generated from the slices' tables (fast-check, with shrinking): any
// link, however hostile (out of range, wrong type, NaN, huge values, unknown or repeated keys, other versions),
// opens a valid view, says what it ignored or replaced in a notice of bounded length, and never throws; and every
// valid view survives the link unchanged.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FieldRule, LinkField, LinkSlice } from '../../../src/state/codec';
import { decodeView, defaultView, encodeView, HASH_VERSION, LINK_SLICES, SLICE_NAMES, type SliceName, type ViewState } from '../../../src/state/hash';
import { createAppStore } from '../../../src/state/store';
import { applyHash, linkNotice } from '../../../src/state/urlSync';

beforeAll(() => {
  fc.configureGlobal({ seed: 15_2027, numRuns: 100 });
});

type View = Record<string, unknown>;
type Field = LinkField<unknown, View>;

const FIELDS = SLICE_NAMES.flatMap((slice) => Object.entries(LINK_SLICES[slice].fields as unknown as Record<string, Field>)
  .map(([prop, field]) => ({ slice, prop, field })));
const KEYS = FIELDS.map((f) => f.field.key);
const byKey = new Map(FIELDS.map((f) => [f.field.key, f]));

/** Longest notice a link may raise, whatever it holds: a few problems, each quoting at most a short part of a value. */
const MAX_NOTICE = 1500;

// ---- hostile values ----
const numberish = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }).map(String),
  fc.double().map(String), // includes NaN, ±Infinity, −0, tiny and huge
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e308', '-1e-308', '0x10', '1_000', ' 4', '4 ', '', '.', '-', '+1', '١٢'),
);
const choiceish = fc.oneof(...FIELDS.flatMap(({ field }) => (field.codec.rule.kind === 'choice' ? [fc.constantFrom(...field.codec.rule.choices.map(String))] : [])));
const hugeString = fc.tuple(fc.constantFrom('9', 'a', '.', '_', '0:1_', '%', '\u{1F600}'), fc.integer({ min: 1_000, max: 20_000 })).map(([unit, n]) => unit.repeat(n));
const hostileValue = fc.oneof(numberish, choiceish, fc.string(), fc.string({ unit: 'binary' }), hugeString, fc.constantFrom('<script>alert(1)</script>', 'true', 'null', 'undefined', '[]', '{}'));
const unknownKey = fc.oneof(fc.string({ minLength: 1 }), hugeString).filter((k) => !KEYS.includes(k) && k !== 'v');
const anyKey = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: unknownKey });
const version = fc.oneof(
  { weight: 6, arbitrary: fc.constant(String(HASH_VERSION)) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -3, max: 9 }).map(String), fc.constantFrom('1.0', '01', ' 1', 'NaN', ''), hugeString) },
);
const hostileLink = fc.record({ version, entries: fc.array(fc.tuple(anyKey, hostileValue), { maxLength: 12 }) }).map(({ version: v, entries }) => {
  const params = new URLSearchParams(v === null ? [] : [['v', v]]);
  for (const [k, value] of entries) params.append(k, value);
  return { hash: params.toString(), version: v, entries };
});

/** Whether a field's value is one its rule accepts, and one the link writes and reads back unchanged and silently. */
function fieldValid({ field }: { field: Field }, value: unknown): boolean {
  const rule: FieldRule = field.codec.rule;
  const n = value as number;
  switch (rule.kind) {
    case 'int': if (!(Number.isInteger(n) && n >= rule.min && n <= rule.max)) return false; break;
    case 'real': if (!(Number.isFinite(n) && n >= rule.min && n <= rule.max && Number(n.toFixed(rule.decimals)) === n)) return false; break;
    case 'choice': if (!rule.choices.includes(value as string | number)) return false; break;
    case 'custom': break;
  }
  const again = field.codec.parse(field.codec.format(value), field.key, field.default);
  return again.problem === undefined && JSON.stringify(again.value) === JSON.stringify(value) && !Object.is(again.value, -0);
}

function expectValid(view: ViewState): void {
  for (const f of FIELDS) {
    const value = (view[f.slice] as unknown as View)[f.prop];
    expect(fieldValid(f, value), `${f.field.key} = ${JSON.stringify(value)?.slice(0, 80)}`).toBe(true);
  }
  for (const name of SLICE_NAMES) {
    const slice = LINK_SLICES[name] as unknown as LinkSlice<View>;
    expect(slice.check?.(view[name] as unknown as View).problem, `${name}’s rule across fields`).toBeUndefined();
  }
}

describe('hostile links', () => {
  it('never throw, always open a valid view, and keep the notice short', () => {
    fc.assert(fc.property(fc.oneof(hostileLink.map((l) => l.hash), fc.string(), fc.string({ unit: 'binary' }), hugeString), (hash) => {
      const { view, problems } = decodeView(hash);
      expectValid(view);
      if (problems.length > 0) expect(linkNotice(problems).length).toBeLessThanOrEqual(MAX_NOTICE);
      const store = createAppStore();
      applyHash(store, `#${hash}`);
      const notices = store.getState().ui.notices;
      expect(notices.length).toBe(problems.length > 0 ? 1 : 0);
      for (const n of notices) {
        expect(n.kind).toBe('info'); // shown as a polite status, not an alert
        expect(n.text.length).toBeLessThanOrEqual(MAX_NOTICE);
      }
    }));
  });

  it('say so whenever something in them was ignored or replaced', () => {
    fc.assert(fc.property(hostileLink, ({ hash, version: v, entries }) => {
      const { view, problems } = decodeView(hash);
      if (v !== String(HASH_VERSION)) {
        // Another version (or none): the whole link is set aside, with a note unless it was empty.
        expect(view).toEqual(defaultView());
        if (hash !== '') expect(problems.length).toBeGreaterThan(0);
        return;
      }
      const firsts = new Map<string, string>();
      for (const [k, value] of entries) if (!firsts.has(k)) firsts.set(k, value);
      const unknown = entries.filter(([k]) => !byKey.has(k));
      const repeated = entries.length !== firsts.size;
      let changed = false;
      for (const [k, raw] of firsts) {
        const f = byKey.get(k);
        if (!f) continue;
        const value = (view[f.slice] as unknown as View)[f.prop];
        const rule = f.field.codec.rule;
        if (rule.kind === 'int' || rule.kind === 'choice') changed ||= f.field.codec.format(value) !== raw;
        if (rule.kind === 'real') changed ||= !(Math.abs(Number(raw) - (value as number)) <= 10 ** -rule.decimals / 2 && raw.trim() !== '');
      }
      if (unknown.length > 0) expect(problems.join(' ')).toMatch(/unknown key/);
      if (repeated) expect(problems.join(' ')).toMatch(/more than once/);
      if (changed) expect(problems.length).toBeGreaterThan(0);
    }));
  });

  it('name what they ignored: an unknown key, a repeated key, a painted order or schedule too long to keep', () => {
    expect(decodeView(`v=1&zoom=3&bits=2&bits=7`).problems).toEqual(['Ignored an unknown key: “zoom”.', '“bits” appears more than once; using the first.']);
    expect(decodeView(`v=1&${'k'.repeat(100)}=1`).problems[0]).toBe(`Ignored an unknown key: “${'k'.repeat(40)}…”.`);
    const cells = Array.from({ length: 5000 }, (_, i) => i.toString(36)).join('.');
    const painted = decodeView(`v=1&order=custom&cells=${cells}`);
    expect(painted.view.patch.custom).toHaveLength(4096);
    expect(painted.problems).toEqual(['The link paints 5000 cells; only the first 4096 were kept.']);
    const pts = Array.from({ length: 20 }, (_, i) => `${i / 19}:${10 - i}`).join('_');
    const schedule = decodeView(`v=1&sched=custom&pts=${pts}`);
    expect(schedule.view.diffusion.points).toHaveLength(12);
    expect(schedule.problems).toEqual(['The custom schedule in the link has 20 points; only the first 12 were kept.']);
    expect(decodeView(`v=1&bits=${'9'.repeat(300)}`).problems).toEqual([`“bits=${'9'.repeat(40)}…” is outside 1…8; using 8.`]);
    // A megabyte in one value is quoted by its first 40 characters.
    expect(decodeView(`v=1&sched=${'x'.repeat(1 << 20)}`).problems[0]).toMatch(/^“sched=x{40}…” is not one of /);
  });

  it('with many problems, spell out the first few and count the rest', () => {
    const hash = `v=1&${KEYS.slice(0, 10).map((k) => `${k}=%%bad`).join('&')}`;
    const { problems } = decodeView(hash);
    expect(problems.length).toBeGreaterThan(5);
    const text = linkNotice(problems);
    expect(text).toContain(problems[0]);
    expect(text).not.toContain(problems[problems.length - 1]);
    expect(text).toMatch(new RegExp(`\\(${problems.length - 4} more values were replaced too\\.\\)$`));
  });
});

// ---- valid views ----
const CUSTOM_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  img: fc.stringMatching(/^[a-z0-9-]{1,40}$/),
  nums: fc.boolean(),
  cells: fc.uniqueArray(fc.integer({ min: 0, max: 65535 }), { maxLength: 60 }),
  pts: fc.array(fc.record({ t: fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000), logSnr: fc.integer({ min: -2000, max: 2000 }).map((k) => k / 100) }), { minLength: 2, maxLength: 12 })
    .map((points) => [...points].sort((a, b) => a.t - b.t)),
};

function valueOf(field: Field): fc.Arbitrary<unknown> {
  const rule = field.codec.rule;
  switch (rule.kind) {
    case 'int': return fc.integer({ min: rule.min, max: rule.max });
    case 'real': {
      const scale = 10 ** rule.decimals;
      return fc.integer({ min: Math.ceil(rule.min * scale), max: Math.floor(rule.max * scale) }).map((k) => Number((k / scale).toFixed(rule.decimals)));
    }
    case 'choice': return fc.constantFrom(...rule.choices);
    case 'custom': return CUSTOM_VALUES[field.key];
  }
}

const validView: fc.Arbitrary<ViewState> = fc.tuple(...FIELDS.map(({ field }) => valueOf(field))).map((values) => {
  const view = defaultView() as unknown as Record<SliceName, View>;
  FIELDS.forEach(({ slice, prop }, i) => { view[slice] = { ...view[slice], [prop]: values[i] }; });
  // A conditional field the view does not write (its condition unmet) is not part of the view the link carries.
  for (const { slice, prop, field } of FIELDS) if (field.when && !field.when(view[slice])) view[slice] = { ...view[slice], [prop]: field.default };
  return view as unknown as ViewState;
}).filter((view) => SLICE_NAMES.every((name) => (LINK_SLICES[name] as unknown as LinkSlice<View>).check?.(view[name] as unknown as View).problem === undefined));

describe('valid views', () => {
  it('round-trip through the link unchanged and silently', () => {
    fc.assert(fc.property(validView, (view) => {
      expect(decodeView(`#${encodeView(view)}`)).toEqual({ view, problems: [] });
    }));
  });
});
