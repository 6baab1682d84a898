// Turns the image choice in the store (sample id or upload, working size) into the working image every panel
// reads. Runs outside React: it subscribes to the store and writes the result back.
import { imageHash, quantize8, resizeAreaRgba, type RgbaImage, type RgbImage } from '../../core/image';
import { DEFAULT_SAMPLE, UPLOAD_MARK } from '../../state/imageSlice';
import type { AppStore } from '../../state/store';
import { decodeImageUrl } from './decode';
import { loadManifest } from './samples';
import { LruMap } from '../../core/lru';

const decoded = new Map<string, Promise<RgbaImage>>();
/** The last uploaded source stays in memory so back/forward between it and samples keeps working. */
let uploaded: { source: RgbaImage; name: string } | null = null;

export function setUploadedSource(store: AppStore, source: RgbaImage, name: string): void {
  uploaded = { source, name };
  const s = store.getState();
  s.setImage({ sampleId: UPLOAD_MARK, uploadName: name });
  // Same id twice (a second upload) does not change the key the pipeline watches: refresh directly.
  void refresh(store);
}

function sampleSource(id: string, file: string): Promise<RgbaImage> {
  let p = decoded.get(id);
  if (!p) {
    p = decodeImageUrl(`samples/${file}`);
    p.catch(() => decoded.delete(id));
    decoded.set(id, p);
  }
  return p;
}

/**
 * The image with its data in shared memory when the page is cross-origin isolated (the preview server's headers,
 * docs/architecture.md "Threads"): every request then sends the working image without copying it
 * (compute/requests.ts imagePayload), where each of the four panels' requests copied 3 MB at 512². Otherwise as it is.
 */
export function inSharedMemory(image: RgbImage): RgbImage {
  if (globalThis.crossOriginIsolated !== true || typeof SharedArrayBuffer === 'undefined') return image;
  const data = new Float32Array(new SharedArrayBuffer(image.data.byteLength));
  data.set(image.data);
  return { ...image, data };
}

/** How many working images stay made: a size or image just left is a lookup when the reader goes back to it. */
const MADE_MAX = 4;
const made = new LruMap<string, { working: RgbImage; hash: string }>({ entries: MADE_MAX });
/** A number per source image, for the keys of `made`. */
const sourceIds = new WeakMap<RgbaImage, number>();
let sources = 0;

/**
 * The working image of `source` at `size` (area-averaged, then 8-bit like a decoded file) and its hash. The last
 * MADE_MAX stay, and going back to one is a lookup (the same object, no resize), which the store treats as read-only.
 */
export function workingImage(source: RgbaImage, size: number): { working: RgbImage; hash: string } {
  let id = sourceIds.get(source);
  if (id === undefined) sourceIds.set(source, (id = sources++));
  const key = `${id}|${size}`;
  return made.getOrSet(key, () => {
    const working = inSharedMemory(quantize8(resizeAreaRgba(source, size, size)));
    return { working, hash: imageHash(working) };
  });
}

let generation = 0;

async function refresh(store: AppStore): Promise<void> {
  const my = ++generation;
  const { sampleId, size } = store.getState().image;
  store.getState().setImage({ loading: true });
  try {
    let source: RgbaImage;
    let uploadName: string | null = null;
    if (sampleId === UPLOAD_MARK) {
      if (!uploaded) {
        store.getState().notify('info', 'This link was made with an uploaded image, which cannot travel in a link; showing a built-in sample instead.');
        store.getState().setImage({ sampleId: DEFAULT_SAMPLE });
        return;
      }
      source = uploaded.source;
      uploadName = uploaded.name;
    } else {
      const samples = await loadManifest();
      const info = samples.find((x) => x.id === sampleId);
      if (!info) {
        store.getState().notify('info', `There is no sample called “${sampleId}”; showing ${samples[0].name} instead.`);
        store.getState().setImage({ sampleId: samples[0].id });
        return;
      }
      source = await sampleSource(info.id, info.file);
    }
    if (my !== generation) return;
    const { working, hash } = workingImage(source, size);
    store.getState().setImage({ working, workingHash: hash, uploadName, loading: false });
  } catch (e) {
    if (my !== generation) return;
    store.getState().setImage({ loading: false });
    store.getState().notify('error', `The image could not be loaded: ${(e as Error).message}`);
  }
}

export function startImagePipeline(store: AppStore): () => void {
  let key = '';
  const check = () => {
    const { sampleId, size } = store.getState().image;
    const k = `${sampleId}@${size}`;
    if (k !== key) {
      key = k;
      void refresh(store);
    }
  };
  check();
  return store.subscribe(check);
}
