// The URL hash mirrors all view state: `#v=1&img=astronaut&size=128&dview=bitplanes&bits=4`.
// One place turns the store into the hash and back; each slice validates its own keys.
import { depthCodec, type DepthView } from './depthSlice';
import { imageCodec, type ImageView } from './imageSlice';
import { patchCodec, type PatchView } from './patchSlice';
import { diffusionCodec, type DiffusionView } from './diffusionSlice';
import { labCodec, type LabView } from './labSlice';

export const HASH_VERSION = 1;

export interface ViewState {
  image: ImageView;
  patch: PatchView;
  depth: DepthView;
  diffusion: DiffusionView;
  lab: LabView;
}

export function encodeView(v: ViewState): string {
  const params = new URLSearchParams({ v: String(HASH_VERSION), ...imageCodec.encode(v.image), ...patchCodec.encode(v.patch), ...depthCodec.encode(v.depth), ...diffusionCodec.encode(v.diffusion), ...labCodec.encode(v.lab) });
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
    return { view: decodeView('').view, problems: ['The link has no version (v=…); showing the default view.'] };
  }
  if (version !== null && version !== String(HASH_VERSION)) {
    const n = Number(version);
    const why = Number.isFinite(n) && n > HASH_VERSION
      ? `The link was made by a newer version of the app (v=${version}); showing the default view.`
      : `The link has an unknown version (v=${version.slice(0, 20)}); showing the default view.`;
    return { view: decodeView('').view, problems: [why] };
  }
  const image = imageCodec.decode(params);
  const patch = patchCodec.decode(params);
  const depth = depthCodec.decode(params);
  const diffusion = diffusionCodec.decode(params);
  const lab = labCodec.decode(params);
  return {
    view: { image: image.value, patch: patch.value, depth: depth.value, diffusion: diffusion.value, lab: lab.value },
    problems: [...image.problems, ...patch.problems, ...depth.problems, ...diffusion.problems, ...lab.problems],
  };
}
