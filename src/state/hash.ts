// The URL hash mirrors all view state: `#v=1&img=astronaut&size=128&dview=bitplanes&bits=4`.
// One loop over the slices' link tables turns the view into the hash and back; no key is handled here.
import { decodeSlice, encodeSlice, linkDefaults, pickLinked, quote, type LinkSlice } from './codec';
import { depthLink, type DepthView } from './depthSlice';
import { imageLink, type ImageView } from './imageSlice';
import { patchLink, type PatchView } from './patchSlice';
import { diffusionLink, type DiffusionView } from './diffusionSlice';
import { labLink, type LabView } from './labSlice';
import { tourLink, type TourView } from './tourSlice';

export const HASH_VERSION = 1;

export interface ViewState {
  image: ImageView;
  patch: PatchView;
  depth: DepthView;
  diffusion: DiffusionView;
  lab: LabView;
  tour: TourView;
}

export type SliceName = keyof ViewState;

/** Each slice's part of the link, named as in the store, in the order written, read and applied. */
export const LINK_SLICES: { [S in SliceName]: LinkSlice<ViewState[S]> } = {
  image: imageLink, patch: patchLink, depth: depthLink, diffusion: diffusionLink, lab: labLink, tour: tourLink,
};

export const SLICE_NAMES = Object.keys(LINK_SLICES) as SliceName[];

/** One view built slice by slice from `part` (a generic function keeps each slice's types paired). */
function eachSlice(part: <S extends SliceName>(name: S) => ViewState[S]): ViewState {
  return Object.fromEntries(SLICE_NAMES.map((name) => [name, part(name)])) as unknown as ViewState;
}

export function defaultView(): ViewState {
  return eachSlice((name) => linkDefaults(LINK_SLICES[name]));
}

/** Only the linked properties of each slice (the store's slices hold more, such as the image's pixels). */
export function linkedView(state: ViewState): ViewState {
  return eachSlice((name) => pickLinked(LINK_SLICES[name], state[name]));
}

export function encodeView(v: ViewState): string {
  const params = new URLSearchParams({ v: String(HASH_VERSION) });
  const encodeOne = <S extends SliceName>(name: S) => encodeSlice(LINK_SLICES[name], v[name]);
  for (const name of SLICE_NAMES) for (const [key, value] of Object.entries(encodeOne(name))) params.append(key, value);
  return params.toString();
}

export interface DecodedView {
  view: ViewState;
  /** Why some or all of the link was not used; empty when it was read as it is. */
  problems: string[];
}

/** Parameters of a hash (with or without '#'); an unreadable one has none. */
function paramsOf(hash: string): URLSearchParams {
  try {
    return new URLSearchParams(hash.replace(/^#/, ''));
  } catch {
    return new URLSearchParams();
  }
}

/**
 * Why a non-empty hash cannot be read by this version at all ("was made by a newer version of the app (v=2)"), or
 * null when its version is this one's (or it is empty).
 */
export function unreadableVersion(hash: string): string | null {
  const params = paramsOf(hash);
  const version = params.get('v');
  if (hash.replace(/^#/, '') !== '' && version === null) return 'has no version (v=…)';
  if (version === null || version === String(HASH_VERSION)) return null;
  const n = Number(version);
  return Number.isFinite(n) && n > HASH_VERSION
    ? `was made by a newer version of the app (v=${quote(version)})`
    : `has an unknown version (v=${quote(version)})`;
}

/** Read a hash (with or without '#'); never throws: anything unreadable falls back to defaults with a note. */
export function decodeView(hash: string): DecodedView {
  const unreadable = unreadableVersion(hash);
  if (unreadable !== null) return { view: defaultView(), problems: [`The link ${unreadable}; showing the default view.`] };
  const params = paramsOf(hash);
  const problems: string[] = [];
  const view = eachSlice((name) => {
    const decoded = decodeSlice(LINK_SLICES[name], params);
    problems.push(...decoded.problems);
    return decoded.value;
  });
  problems.push(...keyProblems(params));
  return { view, problems };
}

/** How many ignored keys a note names; the rest are counted. */
const NAMED_KEYS = 5;

function listKeys(keys: string[]): string {
  const named = keys.slice(0, NAMED_KEYS).map((k) => `“${quote(k)}”`).join(', ');
  return keys.length > NAMED_KEYS ? `${named} and ${keys.length - NAMED_KEYS} more` : named;
}

/** Notes on keys the tables do not read: unknown ones, and a key given twice (the first is used). */
function keyProblems(params: URLSearchParams): string[] {
  const known = new Set(['v', ...SLICE_NAMES.flatMap((name) => Object.values<{ key: string }>(LINK_SLICES[name].fields).map((f) => f.key))]);
  const all = [...params.keys()];
  const unknown = [...new Set(all.filter((k) => !known.has(k)))];
  const repeated = [...new Set(all.filter((k, i) => known.has(k) && all.indexOf(k) !== i))];
  const out: string[] = [];
  if (unknown.length > 0) out.push(`Ignored ${unknown.length === 1 ? 'an unknown key' : `${unknown.length} unknown keys`}: ${listKeys(unknown)}.`);
  if (repeated.length > 0) out.push(`${listKeys(repeated)} ${repeated.length === 1 ? 'appears' : 'appear'} more than once; using the first.`);
  return out;
}
