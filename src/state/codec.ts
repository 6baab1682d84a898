// The link format, declared once per slice: a table of fields (URL key, codec, default, and the rule a value is
// checked against). Encoding and decoding a slice is one loop over its table; hash.ts loops over the slices.
export interface Decoded<T> {
  value: T;
  /** Human-readable notes on parameters that were out of range or unknown and were replaced. */
  problems: string[];
}

/** One value read from a link, with a note when it had to be replaced or changed. */
export interface Read<T> {
  value: T;
  problem?: string;
}

/** What a field accepts: the codecs below apply it, and the tests are generated from it. */
export type FieldRule =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'real'; min: number; max: number; decimals: number }
  | { kind: 'choice'; choices: readonly (string | number)[] }
  | { kind: 'custom' };

export interface FieldCodec<T> {
  rule: FieldRule;
  format(value: T): string;
  /** Reads a value present in the link (a missing key gives the default, silently). */
  parse(raw: string, key: string, fallback: T): Read<T>;
}

/** Longest part of a link value quoted back in a note: a link can carry megabytes, a notice should not. */
const QUOTE_MAX = 40;

/** A link value as a note quotes it, cut to QUOTE_MAX characters. */
export function quote(raw: string): string {
  return raw.length > QUOTE_MAX ? `${raw.slice(0, QUOTE_MAX)}…` : raw;
}

/** An integer, rounded and clamped to [min, max]; not a number → default with a note. */
export function int(min: number, max: number): FieldCodec<number> {
  return {
    rule: { kind: 'int', min, max },
    format: (value) => String(value),
    parse(raw, key, fallback) {
      const n = Number(raw);
      if (!Number.isFinite(n)) return { value: fallback, problem: `“${key}=${quote(raw)}” is not a number; using ${fallback}.` };
      const v = Math.min(max, Math.max(min, Math.round(n))) + 0; // + 0: −0 reads as 0
      return v === n ? { value: v } : { value: v, problem: `“${key}=${quote(raw)}” is outside ${min}…${max}; using ${v}.` };
    },
  };
}

/** x rounded to `decimals` digits, as a link writes it (−0 reads as 0). */
export function roundTo(x: number, decimals: number): number {
  return Number(x.toFixed(decimals)) + 0;
}

/** A real number, clamped to [min, max] and rounded to `decimals`; written with exactly `decimals` digits when `fixed`. */
export function real(min: number, max: number, decimals: number, { fixed = false } = {}): FieldCodec<number> {
  return {
    rule: { kind: 'real', min, max, decimals },
    format: (value) => (fixed ? value.toFixed(decimals) : String(value)),
    parse(raw, key, fallback) {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) return { value: fallback, problem: `“${key}=${quote(raw)}” is not a number; using ${fallback}.` };
      const v = roundTo(Math.min(max, Math.max(min, n)), decimals);
      return n < min || n > max ? { value: v, problem: `“${key}=${quote(raw)}” is outside ${min}…${max}; using ${v}.` } : { value: v };
    },
  };
}

/** A value whitelisted to a fixed list (an `as const` list); anything else → default with a note. */
export function oneOf<T extends string | number>(choices: readonly T[]): FieldCodec<T> {
  return {
    rule: { kind: 'choice', choices },
    format: (value) => String(value),
    parse(raw, key, fallback) {
      const hit = choices.find((c) => String(c) === raw);
      if (hit === undefined) return { value: fallback, problem: `“${key}=${quote(raw)}” is not one of ${choices.join(', ')}; using ${fallback}.` };
      return { value: hit };
    },
  };
}

/** A value with a rule of its own. */
export function custom<T>(format: (value: T) => string, parse: (raw: string, key: string, fallback: T) => Read<T>): FieldCodec<T> {
  return { rule: { kind: 'custom' }, format, parse };
}

export interface LinkField<T, V> {
  /** The URL key: part of the link format, so never renamed (links already shared would lose it). */
  key: string;
  codec: FieldCodec<T>;
  default: T;
  /** Written only when this holds, after the slice's other keys; read whenever present. */
  when?: (view: V) => boolean;
}

/** One field per property of the view, in the order they are read and written (conditional ones are written last). */
export type LinkFields<V> = { [P in keyof V]-?: LinkField<V[P], V> };

/** A slice's part of the link. */
export interface LinkSlice<V> {
  fields: LinkFields<V>;
  /** A rule across fields, applied once each was read on its own. */
  check?(view: V): Read<V>;
}

function fieldsOf<V>(slice: LinkSlice<V>): [keyof V, LinkField<V[keyof V], V>][] {
  return Object.entries(slice.fields) as [keyof V, LinkField<V[keyof V], V>][];
}

export function linkDefaults<V>(slice: LinkSlice<V>): V {
  const view = {} as V;
  for (const [prop, field] of fieldsOf(slice)) view[prop] = field.default;
  return view;
}

/** The link's properties of `state` (which may hold more than the view). */
export function pickLinked<V>(slice: LinkSlice<V>, state: V): V {
  const view = {} as V;
  for (const [prop] of fieldsOf(slice)) view[prop] = state[prop];
  return view;
}

export function encodeSlice<V>(slice: LinkSlice<V>, view: V): Record<string, string> {
  const fields = fieldsOf(slice);
  const out: Record<string, string> = {};
  for (const [prop, field] of [...fields.filter(([, f]) => !f.when), ...fields.filter(([, f]) => f.when)]) {
    if (!field.when || field.when(view)) out[field.key] = field.codec.format(view[prop]);
  }
  return out;
}

export function decodeSlice<V>(slice: LinkSlice<V>, params: URLSearchParams): Decoded<V> {
  const problems: string[] = [];
  let view = {} as V;
  for (const [prop, field] of fieldsOf(slice)) {
    const raw = params.get(field.key);
    if (raw === null) {
      view[prop] = field.default;
      continue;
    }
    const read = field.codec.parse(raw, field.key, field.default);
    view[prop] = read.value;
    if (read.problem !== undefined) problems.push(read.problem);
  }
  if (slice.check) {
    const checked = slice.check(view);
    view = checked.value;
    if (checked.problem !== undefined) problems.push(checked.problem);
  }
  return { value: view, problems };
}
