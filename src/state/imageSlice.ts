import type { StateCreator } from 'zustand';
import type { RgbImage } from '../core/image';
import { DEFAULT_WORKING_SIZE, WORKING_SIZES, type WorkingSize } from '../core/conventions';
import { custom, linkDefaults, oneOf, type LinkSlice } from './codec';
import type { Store } from './store';

export const DEFAULT_SAMPLE = 'astronaut';
/** The URL value that marks a view made on an uploaded image (which cannot travel in a link). */
export const UPLOAD_MARK = 'upload';

export interface ImageView {
  /** Sample id, or UPLOAD_MARK when the image was uploaded. */
  sampleId: string;
  size: WorkingSize;
}

export interface ImageSlice {
  image: ImageView & {
    /**
     * The source (a sample as decoded, or the centre crop of an upload; ui/image/pipeline.ts keeps it) resized to the
     * working size and rounded to 8-bit codes: what every panel sees.
     */
    working: RgbImage | null;
    workingHash: string;
    uploadName: string | null;
    loading: boolean;
  };
  setImage(patch: Partial<ImageSlice['image']>): void;
}

/** Sample ids are checked against the manifest later (it loads asynchronously); here only their form. */
const sampleName = custom<string>((id) => id, (raw, key, fallback) => (/^[a-z0-9-]{1,40}$/.test(raw)
  ? { value: raw }
  : { value: fallback, problem: `“${key}=${raw.slice(0, 40)}” is not a sample name; using ${fallback}.` }));

export const imageLink: LinkSlice<ImageView> = {
  fields: {
    sampleId: { key: 'img', codec: sampleName, default: DEFAULT_SAMPLE },
    size: { key: 'size', codec: oneOf(WORKING_SIZES), default: DEFAULT_WORKING_SIZE },
  },
};

export const imageDefaults: ImageView = linkDefaults(imageLink);

export const createImageSlice: StateCreator<Store, [], [], ImageSlice> = (set) => ({
  image: { ...imageDefaults, working: null, workingHash: '', uploadName: null, loading: true },
  setImage: (patch) => set((s) => ({ image: { ...s.image, ...patch } })),
});
