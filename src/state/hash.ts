// The URL hash mirrors all view state: `#v=1&img=astronaut&size=128&dview=bitplanes&bits=4`.
// One loop over the slices' link tables turns the view into the hash and back; no key is handled here.
import { decodeSlice, encodeSlice, linkDefaults, pickLinked, type LinkSlice } from './codec';
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

/** Read a hash (with or without '#'); never throws: anything unreadable falls back to defaults with a note. */
export function decodeView(hash: string): DecodedView {
  const text = hash.replace(/^#/, '');
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text);
  } catch {
    params = new URLSearchParams();
  }
  const version = params.get('v');
  if (text !== '' && version === null) {
    return { view: defaultView(), problems: ['The link has no version (v=…); showing the default view.'] };
  }
  if (version !== null && version !== String(HASH_VERSION)) {
    const n = Number(version);
    const why = Number.isFinite(n) && n > HASH_VERSION
      ? `The link was made by a newer version of the app (v=${version}); showing the default view.`
      : `The link has an unknown version (v=${version.slice(0, 20)}); showing the default view.`;
    return { view: defaultView(), problems: [why] };
  }
  const problems: string[] = [];
  const view = eachSlice((name) => {
    const decoded = decodeSlice(LINK_SLICES[name], params);
    problems.push(...decoded.problems);
    return decoded.value;
  });
  return { view, problems };
}
